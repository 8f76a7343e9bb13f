import { createHash } from 'node:crypto';
import { LabNoSubnet } from '../errors/lab.js';
import { UsageError } from '../errors/index.js';

/** An IPv4 prefix as a 32-bit network number and a length. */
export interface Cidr {
  net: number;
  len: number;
}

export function parseCidr(text: string): Cidr | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const len = m[5] === undefined ? 32 : Number(m[5]);
  if (octets.some((o) => o > 255) || len > 32) return null;
  const addr = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  return { net: (addr & mask(len)) >>> 0, len };
}

const mask = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);

export function overlaps(a: Cidr, b: Cidr): boolean {
  const len = Math.min(a.len, b.len);
  return ((a.net & mask(len)) >>> 0) === ((b.net & mask(len)) >>> 0);
}

export function formatCidr(c: Cidr): string {
  return `${c.net >>> 24}.${(c.net >>> 16) & 255}.${(c.net >>> 8) & 255}.${c.net & 255}/${c.len}`;
}

/** The first three octets of a /24, e.g. '10.213.4'. */
export function prefix24(c: Cidr): string {
  return formatCidr(c).split('.').slice(0, 3).join('.');
}

// 10.200.0.0 – 10.255.255.0: far from the 10.0–10.99 ranges people tend to route, and 14,336 /24s to choose from.
const FIRST = (10 << 24) | (200 << 16);
const COUNT = 56 * 256;

/**
 * The lab's /24. The same name gets the same subnet run after run (so addresses in notes and scripts stay
 * valid), unless that subnet is routed on the machine or held by another lab; then the next free one.
 * Default routes do not count: every subnet overlaps 0.0.0.0/0.
 */
export function pickSubnet(name: string, taken: Cidr[], requested?: string): Cidr {
  const blocking = taken.filter((t) => t.len > 0);
  if (requested !== undefined) {
    const c = parseCidr(requested);
    if (!c || c.len !== 24 || formatCidr(c) !== requested.trim()) {
      throw new UsageError(`invalid --subnet '${requested}'`, 'give a /24 network such as 10.213.4.0/24');
    }
    const clash = blocking.find((t) => overlaps(t, c));
    if (clash) throw new LabNoSubnet(`${requested} overlaps ${formatCidr(clash)}, which is already routed or used by another lab`);
    return c;
  }
  const start = createHash('sha256').update(name).digest().readUInt32BE(0) % COUNT;
  for (let k = 0; k < COUNT; k++) {
    const c: Cidr = { net: (FIRST + ((start + k) % COUNT) * 256) >>> 0, len: 24 };
    if (!blocking.some((t) => overlaps(t, c))) return c;
  }
  throw new LabNoSubnet('every /24 from 10.200.0.0 to 10.255.255.0 is routed or taken');
}

/** Destinations and interface prefixes from `ip -j -4 route show table all` and `ip -j -4 addr` output. */
export function routedPrefixes(routesJson: string, addrsJson: string): Cidr[] {
  const out: Cidr[] = [];
  const routes = JSON.parse(routesJson || '[]') as Array<{ dst?: string }>;
  for (const r of routes) {
    if (!r.dst || r.dst === 'default') continue;
    const c = parseCidr(r.dst);
    if (c) out.push(c);
  }
  const links = JSON.parse(addrsJson || '[]') as Array<{ addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }> }>;
  for (const l of links) {
    for (const a of l.addr_info ?? []) {
      if (a.family !== 'inet' || !a.local) continue;
      const c = parseCidr(`${a.local}/${a.prefixlen ?? 32}`);
      if (c) out.push(c);
    }
  }
  return out;
}
