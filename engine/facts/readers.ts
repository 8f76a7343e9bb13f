import type { FileFact, InstalledPackage, ListeningSocket, OsRelease } from './types.js';

/** Pure readers for the text the gather script ships verbatim (base64-decoded before they see it). */

/** os-release(5): KEY=value lines, values optionally in shell-style quotes. */
export function readOsRelease(text: string): OsRelease | null {
  const kv: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2]!;
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    kv[m[1]!] = v;
  }
  if (!kv.ID) return null;
  const os: OsRelease = { id: kv.ID, versionId: kv.VERSION_ID ?? '' };
  if (kv.VERSION_CODENAME) os.versionCodename = kv.VERSION_CODENAME;
  if (kv.PRETTY_NAME) os.prettyName = kv.PRETTY_NAME;
  return os;
}

const DPKG_STATUS: Record<string, string> = {
  n: 'not-installed',
  c: 'config-files',
  H: 'half-installed',
  U: 'unpacked',
  F: 'half-configured',
  W: 'triggers-awaiting',
  t: 'triggers-pending',
  i: 'installed',
};

/**
 * dpkg-query lines: Package, Version, Architecture, Status-Abbrev, then either source:Package and source:Version
 * (format 'source') or the raw Source field, "name" or "name (version)" (format 'legacy'). Packages dpkg only
 * remembers a selection for (status not-installed) are left out. Holds come from the want flag 'h'.
 */
export function readDpkg(text: string, format: 'source' | 'legacy', nativeArch: string | null): { packages: Record<string, InstalledPackage>; held: string[]; bad: number } {
  const packages: Record<string, InstalledPackage> = {};
  const held = new Set<string>();
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split('\t');
    const [name, version, arch, abbrev] = f;
    if (!name || !abbrev || abbrev.length < 2 || !/^[a-z0-9][a-z0-9+.-]*$/.test(name)) {
      bad++;
      continue;
    }
    if (abbrev[0] === 'h') held.add(name);
    const status = DPKG_STATUS[abbrev[1]!] ?? 'unknown';
    if (status === 'not-installed') continue;
    let source = name;
    let sourceVersion = version ?? '';
    if (format === 'source') {
      source = f[4] || name;
      sourceVersion = f[5] || sourceVersion;
    } else {
      const m = /^(\S+)(?:\s+\((\S+)\))?$/.exec(f[4]?.trim() ?? '');
      if (m) {
        source = m[1]!;
        if (m[2]) sourceVersion = m[2];
      }
    }
    const pkg: InstalledPackage = { name, version: version ?? '', arch: arch ?? '', status, source, sourceVersion };
    // Two architectures of one package (multi-arch): the native one keeps the plain name, the other is name:arch.
    const existing = packages[name];
    if (!existing) packages[name] = pkg;
    else if (existing.arch !== nativeArch && existing.arch !== 'all' && (pkg.arch === nativeArch || pkg.arch === 'all')) {
      packages[`${name}:${existing.arch}`] = existing;
      packages[name] = pkg;
    } else packages[`${name}:${pkg.arch}`] = pkg;
  }
  return { packages, held: [...held].sort(), bad };
}

const statType = (kind: string) => (kind.startsWith('regular') ? 'file' : kind === 'directory' ? 'directory' : kind === 'symbolic link' ? 'symlink' : 'other');

export type StatLine = Omit<FileFact, 'exists' | 'sha256' | 'content' | 'sensitive'> & { ctime: number; uid: number };

/**
 * `stat -c '%a:%s:%F:%u:%U:%G:%Z:%N'` lines → metadata by path; a link's line ends "path -> target" (GNU stat with
 * QUOTING_STYLE=literal; busybox quotes both: 'path' -> 'target'). Names from passwd and group never hold a colon,
 * and the script only asks for paths without one, so any other shape is not trusted.
 */
export function readStat(text: string): Map<string, StatLine> {
  const out = new Map<string, StatLine>();
  for (const line of text.split('\n')) {
    const m = /^([0-7]{1,4}):(\d+):([^:]+):(\d+):([^:]+):([^:]+):(\d+):(.+)$/.exec(line);
    if (!m) continue;
    const type = statType(m[3]!);
    let name = m[8]!;
    let target: string | undefined;
    if (type === 'symlink' && name.includes(' -> ')) {
      target = name.slice(name.indexOf(' -> ') + 4);
      name = name.slice(0, name.indexOf(' -> '));
      if (/^'.*'$/.test(target)) target = target.slice(1, -1);
    }
    if (/^'.*'$/.test(name)) name = name.slice(1, -1);
    out.set(name, { type, mode: m[1]!.padStart(4, '0'), uid: Number(m[4]), owner: m[5]!, group: m[6]!, size: Number(m[2]), ctime: Number(m[7]), ...(target !== undefined ? { target } : {}) });
  }
  return out;
}

/** `sha256sum` lines ("<hex>  <path>") → sha256 by path; escaped names (a leading backslash) are not ours. */
export function readSums(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](\/.*)$/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/** `ss -tuln[p]` output, with or without its header line. */
export function readSs(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0] === 'Netid') continue;
    const proto = f[0] === 'tcp' ? 'tcp' : f[0] === 'udp' ? 'udp' : null;
    if (!proto) continue;
    const local = f[4]!;
    const colon = local.lastIndexOf(':');
    const port = Number(local.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    const address = local.slice(0, colon).replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
    const proc = /users:\(\("([^"]+)"/.exec(line)?.[1];
    const key = `${proto} ${address} ${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(proc ? { proto, address, port, process: proc } : { proto, address, port });
  }
  return out.sort((a, b) => a.proto.localeCompare(b.proto) || a.port - b.port || a.address.localeCompare(b.address));
}

/** uname -m → Debian architecture names, so that a host without dpkg still reads like one with it. */
export function debianArch(machine: string): string {
  const map: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64', i686: 'i386', i386: 'i386', armv7l: 'armhf', ppc64le: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' };
  return map[machine] ?? machine;
}
