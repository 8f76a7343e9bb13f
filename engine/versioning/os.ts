import { InvalidRange } from '../errors/versioning.js';
import { deb } from './deb/index.js';
import { type Comparator, holds, parseRange } from './range.js';
import { rpm } from './rpm/index.js';
import type { VersionScheme } from './types.js';

/** os-release IDs whose packages are ordered by dpkg. */
const DEB_OS = new Set(['debian', 'ubuntu', 'raspbian', 'devuan', 'linuxmint', 'lmde', 'pop', 'elementary', 'kali', 'pureos', 'zorin', 'parrot', 'neon', 'mx', 'deepin', 'tails']);
/** os-release IDs whose packages are ordered by rpm. openSUSE ships many IDs (opensuse-leap, opensuse-tumbleweed …). */
const RPM_OS = new Set(['rhel', 'almalinux', 'rocky', 'centos', 'fedora', 'ol', 'amzn', 'sles', 'sled', 'sles_sap', 'sle-micro', 'sl-micro', 'suse', 'scientific', 'eurolinux', 'circle', 'navy', 'cloudlinux', 'virtuozzo', 'openeuler', 'mageia', 'photon', 'mariner', 'azurelinux', 'anolis']);

function byId(id: string): VersionScheme | null {
  const key = id.trim().toLowerCase();
  if (DEB_OS.has(key)) return deb;
  if (RPM_OS.has(key) || key.startsWith('opensuse')) return rpm;
  return null;
}

/**
 * The version scheme of an OS, from /etc/os-release ID; ID_LIKE ("rhel centos fedora", or a list) is the fallback
 * for derivatives not named here. null when neither is known: the caller must not guess an order.
 */
export function schemeForOs(osId: string, idLike?: string | readonly string[]): VersionScheme | null {
  const direct = byId(osId);
  if (direct) return direct;
  const likes = typeof idLike === 'string' ? idLike.split(/\s+/) : (idLike ?? []);
  for (const like of likes) {
    const s = like ? byId(like) : null;
    if (s) return s;
  }
  return null;
}

/** "12.0.0" → "12": trailing zero components of an all-numeric dotted VERSION_ID carry no order. */
function normaliseOsVersion(v: string): string {
  if (!/^\d+(?:\.\d+)*$/.test(v)) return v;
  return v.replace(/(?:\.0+)+$/, '');
}

/**
 * Order of /etc/os-release VERSION_ID values (12, 22.04, 9.3, 15.5, 2023). Numeric dotted IDs compare component by
 * component as numbers, a missing component counting as 0 (so 12 = 12.0 and 9.3 < 9.10); anything else (rolling,
 * 3.19.1_rc1) falls back to dpkg's order, which agrees with the numeric one on everything but trailing zeros.
 * VERSION_ID never carries an epoch or a revision, so neither scheme's extras apply.
 */
export function compareOsVersion(a: string, b: string): number {
  return deb.compare(normaliseOsVersion(a), normaliseOsVersion(b));
}

/** Whether a VERSION_ID lies in a platform range such as '>= 12, < 13'. Throws InvalidRange for a bad range. */
export function satisfiesOsVersion(versionId: string, range: string | Comparator[]): boolean {
  const comparators = typeof range === 'string' ? parseRange(range) : range;
  if (comparators === null) throw new InvalidRange(String(range));
  return comparators.every((c) => holds(c.op, compareOsVersion(versionId, c.version)));
}
