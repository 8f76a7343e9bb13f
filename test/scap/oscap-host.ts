import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labRoots, DEFAULT_DEBIAN_MIRROR, DEFAULT_SECURITY_MIRROR } from '../../engine/lab/config.js';
import { hostExec } from '../../engine/lab/exec.js';
import { UpstreamArchive } from '../../engine/lab/mirror/upstream.js';
import type { LabHost, LabInfo } from '../../engine/lab/types.js';

/** What the oracle needs inside a lab host: the scanner and the content it evaluates. */
export const OSCAP_PACKAGES = ['openscap-scanner', 'ssg-debian'];

/**
 * Puts OpenSCAP on a lab host, so that `oscap xccdf eval` runs ONLINE inside it (its dpkginfo, sysctl and file probes
 * read the host itself; oscap-chroot from outside gives false passes). The lab's own private apt (the one that builds
 * the mirror, engine/lab/mirror/upstream.ts) resolves what the image lacks against the image's dpkg status and
 * downloads those exact versions once into the lab cache; the .debs are then installed into the host with dpkg.
 * The host's apt sources and the lab mirror are left alone.
 */
export async function installOscap(info: LabInfo, host: LabHost): Promise<void> {
  const debs = await oscapDebs(info);
  const tar = execFileSync('tar', ['-c', '-C', debs, ...readdirSync(debs).filter((f) => f.endsWith('.deb'))], { maxBuffer: 256 << 20 });
  const r = await hostExec(info, host.name, 'set -e; rm -rf /tmp/oscap-debs; mkdir /tmp/oscap-debs; tar -x -C /tmp/oscap-debs; dpkg -i /tmp/oscap-debs/*.deb >/tmp/oscap-debs/dpkg.log 2>&1 || { cat /tmp/oscap-debs/dpkg.log; exit 1; }; rm -rf /tmp/oscap-debs', { input: tar, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`installing OpenSCAP on ${host.name} failed: ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
}

async function oscapDebs(info: LabInfo): Promise<string> {
  const { cacheRoot } = labRoots({});
  const dir = join(cacheRoot, 'oscap', info.image.hash);
  if (existsSync(join(dir, '.complete'))) return dir;
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  const archive = new UpstreamArchive(cacheRoot, info.image.release, arch, process.env.PLUMB_LAB_DEBIAN_MIRROR ?? DEFAULT_DEBIAN_MIRROR, process.env.PLUMB_LAB_SECURITY_MIRROR ?? DEFAULT_SECURITY_MIRROR);
  const status = join(info.image.rootfs, 'var/lib/dpkg/status');
  let planned = await archive.simulateInstall(status, OSCAP_PACKAGES);
  if (!planned.length) {
    await archive.update();
    planned = await archive.simulateInstall(status, OSCAP_PACKAGES);
  }
  const scratch = `${dir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    await archive.download(planned.map((p) => `${p.package}=${p.to}`), scratch);
  } catch {
    // Lists older than a point release name versions the archive no longer has: refresh once.
    await archive.update();
    planned = await archive.simulateInstall(status, OSCAP_PACKAGES);
    await archive.download(planned.map((p) => `${p.package}=${p.to}`), scratch);
  }
  execFileSync('touch', [join(scratch, '.complete')]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  return dir;
}
