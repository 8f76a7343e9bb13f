import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabKernelFeature, LabNotRoot, LabToolMissing } from '../errors/lab.js';
import { tryRun } from './proc.js';

/**
 * Checks before anything is touched: root, the tools each step runs, the kernel features. Everything is
 * checked at once, so that a machine missing three tools is told about all three in one message.
 */

/** Tool → the Debian package that ships it (what the hint tells people to install). */
const PACKAGE_OF: Record<string, string> = {
  debootstrap: 'debootstrap',
  gpg: 'gnupg',
  gpgconf: 'gnupg',
  'apt-get': 'apt',
  'apt-ftparchive': 'apt-utils',
  'dpkg-deb': 'dpkg',
  chroot: 'coreutils',
  tar: 'tar',
  ip: 'iproute2',
  'ssh-keygen': 'openssh-client',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  mount: 'mount',
  mknod: 'coreutils',
  python3: 'python3',
};

export type LabAction = 'image' | 'up' | 'down' | 'status' | 'exec';

const TOOLS: Record<LabAction, string[]> = {
  image: ['debootstrap', 'gpg', 'gpgconf', 'apt-get', 'apt-ftparchive', 'dpkg-deb', 'chroot', 'unshare', 'tar'],
  up: ['ip', 'ssh-keygen', 'nsenter', 'unshare', 'mount', 'mknod', 'chroot', 'tar', 'python3'],
  down: ['ip'],
  status: [],
  exec: ['nsenter'],
};

export function findOnPath(tool: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, tool);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** The tools an action needs that are not on PATH, with their packages. `up` builds the image if needed, so it needs those too. */
export function missingTools(action: LabAction, opts: { needsImage?: boolean; path?: string } = {}): Array<{ tool: string; pkg: string }> {
  const tools = new Set(TOOLS[action]);
  if (action === 'up' && opts.needsImage) for (const t of TOOLS.image) tools.add(t);
  const missing = [...tools].filter((t) => !findOnPath(t, opts.path)).map((tool) => ({ tool, pkg: PACKAGE_OF[tool] ?? tool }));
  if ((action === 'image' || opts.needsImage) && !existsSync('/usr/share/keyrings/debian-archive-keyring.gpg')) {
    missing.push({ tool: '/usr/share/keyrings/debian-archive-keyring.gpg', pkg: 'debian-archive-keyring' });
  }
  return missing;
}

/** The python3 to serve the mirror: the system one, not a shim a version manager put first on PATH. */
export function python3(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : (findOnPath('python3') ?? 'python3');
}

export function requireRoot(action: LabAction): void {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) throw new LabNotRoot(uid, action);
}

const STANDARD_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export async function preflight(action: LabAction, opts: { needsImage?: boolean } = {}): Promise<void> {
  requireRoot(action);
  const absent = missingTools(action, opts);
  if (absent.length) {
    // sudo without -i often drops /usr/sbin from PATH: say so instead of "not installed".
    const offPath: Array<{ tool: string; path: string }> = [];
    const missing = absent.filter((m) => {
      const found = m.tool.startsWith('/') ? null : findOnPath(m.tool, STANDARD_DIRS.join(delimiter));
      if (found) offPath.push({ tool: m.tool, path: found });
      return !found;
    });
    throw new LabToolMissing(missing, offPath);
  }
  if (action === 'up') await requireKernel();
}

async function requireKernel(): Promise<void> {
  if (!existsSync('/proc/self/ns/net')) throw new LabKernelFeature('network namespaces', 'the lab needs a Linux kernel with CONFIG_NET_NS');
  const has = () => /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
  if (!has()) await tryRun('modprobe', ['overlay']);
  if (!has()) throw new LabKernelFeature('overlayfs', 'load it with `modprobe overlay` (kernel option CONFIG_OVERLAY_FS)');
}
