import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UsageError } from '../errors/index.js';

/**
 * Names and places of a lab, derived from its name alone, so that `down` can find everything an
 * interrupted `up` made even when `up` never got to write it down.
 */

export const DEFAULT_LAB = 'default';
export const DEFAULT_STATE_ROOT = '/var/lib/plumbline/lab';
export const DEFAULT_CACHE_ROOT = '/var/cache/plumbline/lab';
export const DEFAULT_RELEASE = 'bookworm';
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DEFAULT_SECURITY_MIRROR = 'http://deb.debian.org/debian-security';
export const DEFAULT_MIRROR_PORT = 80;
export const MAX_HOSTS = 200;

/** Where labs and their cache live; every path is checked once here, because it ends up in mount options. */
export interface LabRoots {
  stateRoot: string;
  cacheRoot: string;
}

export function labRoots(opts: { stateDir?: string; cacheDir?: string } = {}): LabRoots {
  const stateRoot = opts.stateDir ?? process.env.PLUMB_LAB_STATE_DIR ?? DEFAULT_STATE_ROOT;
  const cacheRoot = opts.cacheDir ?? process.env.PLUMB_LAB_CACHE_DIR ?? DEFAULT_CACHE_ROOT;
  checkDir('--state-dir', stateRoot);
  checkDir('--cache-dir', cacheRoot);
  return { stateRoot, cacheRoot };
}

function checkDir(flag: string, dir: string): void {
  // overlayfs takes its layers as a comma- and colon-separated option string: such characters cannot be escaped there.
  if (!/^\/[A-Za-z0-9._/-]*$/.test(dir) || dir.split('/').some((s) => s === '.' || s === '..')) {
    throw new UsageError(`${flag} must be an absolute path of letters, digits, '.', '_', '-' and '/': got '${dir}'`, 'overlayfs cannot take other characters in its layer paths');
  }
}

export function checkLabName(name: string): string {
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(name) || name.endsWith('-')) {
    throw new UsageError(`invalid lab name '${name}'`, 'use up to 31 lower-case letters, digits and hyphens, starting with a letter (e.g. demo, test-2)');
  }
  return name;
}

export function checkRelease(release: string): string {
  if (!/^[a-z]{2,20}$/.test(release)) throw new UsageError(`invalid Debian release '${release}'`, 'give a codename such as bookworm');
  return release;
}

/**
 * A short tag for kernel object names. Interface names are limited to 15 characters and the longest one
 * is `plv-<tag>-<n>`, so the tag has at most 7: short names are used as they are, longer ones are
 * shortened with a hash so that two labs never share a tag by accident.
 */
export function labTag(name: string): string {
  if (name.length <= 7) return name;
  return `${name.slice(0, 3)}${createHash('sha256').update(name).digest('hex').slice(0, 4)}`;
}

/** Every kernel object and file a lab owns is named here and nowhere else. */
export interface LabNames {
  name: string;
  tag: string;
  bridge: string;
  /** The second network, behind the bastion (`--behind-bastion`), and the bastion's end of its link to it. */
  hiddenBridge: string;
  bastionVeth: string;
  dir: string;
  lockPath: string;
  labJson: string;
  hostName(i: number): string;
  netns(i: number): string;
  veth(i: number): string;
  netnsPattern: RegExp;
  vethPattern: RegExp;
}

export function labNames(name: string, roots: LabRoots): LabNames {
  checkLabName(name);
  const tag = labTag(name);
  const dir = join(roots.stateRoot, name);
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return {
    name,
    tag,
    bridge: `plb-${tag}`,
    hiddenBridge: `plh-${tag}`,
    bastionVeth: `plx-${tag}`,
    dir,
    lockPath: join(roots.stateRoot, `${name}.lock`),
    labJson: join(dir, 'lab.json'),
    hostName: (i) => `${name === DEFAULT_LAB ? 'lab' : name}-${i}`,
    netns: (i) => `plumb-${name}-${i}`,
    veth: (i) => `plv-${tag}-${i}`,
    netnsPattern: new RegExp(`^plumb-${esc(name)}-(\\d+)$`),
    vethPattern: new RegExp(`^plv-${esc(tag)}-(\\d+)$`),
  };
}

/** Address of host i (1-based) in a /24 given as its first three octets. */
export function hostAddress(prefix: string, i: number): string {
  return `${prefix}.${10 + i}`;
}

export interface RingShare {
  ring: string;
  count: number | 'rest';
}

/**
 * `pilot=1,broad` → the first host is pilot, the rest broad. Only the last ring may omit its count.
 * Returns the ring of each host in order.
 */
export function assignRings(spec: string, hosts: number): string[] {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) throw new UsageError(`--rings is empty`, 'e.g. --rings pilot=1,broad');
  const shares: RingShare[] = parts.map((p, idx) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]{0,62})(?:=(\d+))?$/.exec(p);
    if (!m) throw new UsageError(`invalid ring share '${p}' in --rings`, 'write name=count, e.g. pilot=1,broad');
    if (m[2] === undefined && idx !== parts.length - 1) throw new UsageError(`ring '${m[1]}' in --rings needs a count: only the last ring takes the rest`, 'e.g. pilot=1,early=2,broad');
    return { ring: m[1]!, count: m[2] === undefined ? 'rest' : Number(m[2]) };
  });
  const rings: string[] = [];
  for (const s of shares) {
    const n = s.count === 'rest' ? Math.max(0, hosts - rings.length) : s.count;
    for (let k = 0; k < n && rings.length < hosts; k++) rings.push(s.ring);
  }
  // Counts that add up to less than the hosts leave the remainder in the last ring named.
  while (rings.length < hosts) rings.push(shares[shares.length - 1]!.ring);
  return rings;
}
