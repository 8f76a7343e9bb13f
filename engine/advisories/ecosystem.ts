import type { Ecosystem } from './types.js';

/**
 * How advisory sources spell a distribution release, mapped to what hosts report in /etc/os-release
 * (ID and VERSION_ID), plus which version scheme the release's packages use.
 */

export type SchemeName = 'deb' | 'rpm';

/** os-release IDs whose packages are dpkg or rpm packages. Others (alpine, arch …) are not matched yet. */
const OS_SCHEME: Record<string, SchemeName> = {
  debian: 'deb',
  ubuntu: 'deb',
  almalinux: 'rpm',
  rocky: 'rpm',
  rhel: 'rpm',
  centos: 'rpm',
  fedora: 'rpm',
  ol: 'rpm',
};

export function schemeOfOs(os: string): SchemeName | undefined {
  return OS_SCHEME[os];
}

/** Debian release codenames; sid has no number and matches no host VERSION_ID. */
export const DEBIAN_CODENAMES: Record<string, string> = {
  buzz: '1.1',
  rex: '1.2',
  bo: '1.3',
  hamm: '2.0',
  slink: '2.1',
  potato: '2.2',
  woody: '3.0',
  sarge: '3.1',
  etch: '4',
  lenny: '5',
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
  sid: 'unstable',
};

/** Ubuntu codenames that appear in purl `distro=` qualifiers. */
const UBUNTU_CODENAMES: Record<string, string> = {
  trusty: '14.04',
  xenial: '16.04',
  bionic: '18.04',
  focal: '20.04',
  jammy: '22.04',
  noble: '24.04',
  oracular: '24.10',
  plucky: '25.04',
};

/** OSV ecosystem names (the part before the first ':') that name a distribution. */
const OSV_OS: Record<string, string> = {
  Debian: 'debian',
  Ubuntu: 'ubuntu',
  AlmaLinux: 'almalinux',
  'Rocky Linux': 'rocky',
  'Red Hat': 'rhel',
};

/**
 * 'Debian:12' → debian 12; 'Ubuntu:22.04:LTS' → ubuntu 22.04; 'Ubuntu:Pro:FIPS:16.04:LTS' → ubuntu 16.04 variant
 * 'pro-fips'; 'AlmaLinux:9' → almalinux 9. Returns undefined for ecosystems that are not a release of a dpkg or rpm
 * distribution (PyPI, npm, Alpine …): those advisories cannot be matched against host packages.
 */
export function parseOsvEcosystem(raw: string): Ecosystem | undefined {
  const parts = raw.split(':');
  const os = OSV_OS[parts[0]!];
  if (!os) return undefined;
  const rest = parts.slice(1).filter((p) => p !== '' && p !== 'LTS');
  const relIdx = rest.findIndex((p) => /^\d+(\.\d+)*$/.test(p));
  if (relIdx < 0) return undefined;
  const release = rest[relIdx]!;
  const variant = rest
    .filter((_, i) => i !== relIdx)
    .map((p) => p.toLowerCase())
    .join('-');
  return variant ? { os, release, variant, raw } : { os, release, raw };
}

/** 'bookworm' → debian 12. */
export function debianRelease(codename: string): Ecosystem | undefined {
  const release = DEBIAN_CODENAMES[codename];
  return release ? { os: 'debian', release, raw: codename } : undefined;
}

/**
 * A purl `distro=` qualifier: 'debian-12', 'bookworm', 'ubuntu-22.04', 'jammy', 'esm-infra/xenial', 'el9',
 * 'almalinux-9', 'rhel-9'. The purl namespace (debian, ubuntu, redhat, almalinux) tells the OS when the qualifier
 * does not.
 */
export function parseDistro(namespace: string, distro: string | undefined): Ecosystem | undefined {
  if (!distro) return undefined;
  const raw = distro;
  const [channel, name] = distro.includes('/') ? (distro.split('/', 2) as [string, string]) : [undefined, distro];
  const variant = channel ? { variant: channel } : {};
  const lower = name.toLowerCase();
  if (DEBIAN_CODENAMES[lower]) return { os: 'debian', release: DEBIAN_CODENAMES[lower]!, ...variant, raw };
  if (UBUNTU_CODENAMES[lower]) return { os: 'ubuntu', release: UBUNTU_CODENAMES[lower]!, ...variant, raw };
  const m = /^([a-z]+)-?(\d+(?:\.\d+)*)$/.exec(lower);
  if (!m) return undefined;
  const os = m[1] === 'el' ? osOfNamespace(namespace) : m[1] === 'redhat' ? 'rhel' : m[1]!;
  if (!os || !OS_SCHEME[os]) return undefined;
  return { os, release: m[2]!, ...variant, raw };
}

function osOfNamespace(namespace: string): string | undefined {
  return { redhat: 'rhel', almalinux: 'almalinux', rocky: 'rocky', centos: 'centos', fedora: 'fedora', oracle: 'ol' }[namespace];
}

/**
 * An operating-system CPE (2.2 URI or 2.3 formatted string) → release. Red Hat's product streams
 * (rhel_aus, rhel_eus, rhel_e4s, rhel_tus …) keep their stream as the variant.
 */
export function parseOsCpe(cpe: string): Ecosystem | undefined {
  let part: string | undefined, vendor: string | undefined, product: string | undefined, version: string | undefined;
  if (cpe.startsWith('cpe:2.3:')) [, , part, vendor, product, version] = cpe.split(':');
  else if (cpe.startsWith('cpe:/')) {
    const f = cpe.slice(5).split(':');
    [part, vendor, product, version] = f;
  } else return undefined;
  if (!vendor || !product) return undefined;
  const ver = version && version !== '*' && version !== '-' ? version : undefined;
  // Red Hat names its repositories (AppStream, CRB) as applications of the OS: cpe:/a:redhat:enterprise_linux:9::appstream.
  if (vendor === 'redhat' && (part === 'o' || part === 'a')) {
    const stream = /^(?:enterprise_linux|rhel)(?:_([a-z0-9]+))?$/.exec(product);
    if (!stream || !ver) return undefined;
    return stream[1] ? { os: 'rhel', release: ver, variant: stream[1], raw: cpe } : { os: 'rhel', release: ver, raw: cpe };
  }
  if (part !== 'o') return undefined;
  if (vendor === 'debian' && product === 'debian_linux' && ver) return { os: 'debian', release: ver, raw: cpe };
  if (vendor === 'canonical' && product === 'ubuntu_linux' && ver) return { os: 'ubuntu', release: ver, raw: cpe };
  if (vendor === 'almalinux' && ver) return { os: 'almalinux', release: ver, raw: cpe };
  if (vendor === 'rocky' && ver) return { os: 'rocky', release: ver, raw: cpe };
  return undefined;
}

/**
 * The advisory releases that could cover a host's VERSION_ID: its own, and the major release it is a point
 * release of ('9.3' → ['9.3', '9']: AlmaLinux:9 covers 9.3, while RHEL 7.6 AUS covers only 7.6).
 */
export function candidateReleases(hostVersionId: string): string[] {
  const dot = hostVersionId.indexOf('.');
  return dot < 0 ? [hostVersionId] : [hostVersionId, hostVersionId.slice(0, dot)];
}

export interface Purl {
  type: string;
  namespace: string;
  name: string;
  version?: string;
  qualifiers: Record<string, string>;
}

/** A package URL (purl spec): pkg:type/namespace/name@version?qualifiers#subpath. */
export function parsePurl(purl: string): Purl | undefined {
  const m = /^pkg:([a-zA-Z][a-zA-Z0-9.+-]*)\/(.+)$/.exec(purl);
  if (!m) return undefined;
  let rest = m[2]!;
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const qualifiers: Record<string, string> = {};
  if (q >= 0) {
    for (const kv of rest.slice(q + 1).split('&')) {
      const eq = kv.indexOf('=');
      if (eq > 0) qualifiers[kv.slice(0, eq).toLowerCase()] = safeDecode(kv.slice(eq + 1));
    }
    rest = rest.slice(0, q);
  }
  const at = rest.lastIndexOf('@');
  const version = at >= 0 ? safeDecode(rest.slice(at + 1)) : undefined;
  if (at >= 0) rest = rest.slice(0, at);
  const segs = rest.split('/').filter(Boolean).map(safeDecode);
  if (!segs.length) return undefined;
  const name = segs.pop()!;
  return { type: m[1]!.toLowerCase(), namespace: segs.join('/').toLowerCase(), name, version, qualifiers };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
