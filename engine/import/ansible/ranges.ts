/**
 * Ansible's host patterns: `web[01:20].example.org`, `db-[a:f]`, `[1:9:2]` steps, several ranges in one name,
 * and a `:port` suffix (`host:2222`, `[2001:db8::1]:2222`). Same rules and same results as Ansible's
 * expand_hostname_range and parse_address; the unit test and test/import pin them against ansible-inventory.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** A range never makes more hosts than this (a typo like [1:999999999] must not eat the machine). */
export const MAX_RANGE_HOSTS = 100_000;

export class HostRangeError extends Error {}

export function splitPort(pattern: string): { pattern: string; port?: number } {
  const bracketed = /^\[(.+)\]:([0-9]+)$/.exec(pattern);
  if (bracketed) return { pattern: bracketed[1]!, port: Number(bracketed[2]) };
  // One colon only: a host or IPv4 address with a port. IPv6 without brackets has several and takes no port.
  const plain = /^([^:]+):([0-9]+)$/.exec(pattern);
  if (plain) return { pattern: plain[1]!, port: Number(plain[2]) };
  return { pattern };
}

/** Expands every `[a:b(:step)]` in a name; throws HostRangeError with Ansible's reason when a range is malformed. */
export function expandRanges(name: string, budget = { left: MAX_RANGE_HOSTS }): string[] {
  const open = name.indexOf('[');
  if (open < 0) {
    if (--budget.left < 0) throw new HostRangeError(`host ranges make more than ${MAX_RANGE_HOSTS} hosts`);
    return [name];
  }
  const close = name.indexOf(']', open);
  if (close < 0) throw new HostRangeError(`unclosed range in '${name}'`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeError('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) throw new HostRangeError('host range must specify end value');
  if (!Number.isSafeInteger(step) || step < 1) throw new HostRangeError(`host range step must be a positive whole number, not '${bounds[2]}'`);
  let fill = (x: string | number) => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) throw new HostRangeError('host range must specify equal-length begin and end formats');
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const seq: Array<string | number> = [];
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new HostRangeError('host range must have begin <= end');
    for (let i = ib; i <= ie; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^[0-9]+$/.test(beg) || !/^[0-9]+$/.test(end)) throw new HostRangeError(`host range [${bounds.join(':')}] is neither numeric nor one letter to one letter`);
    const a = Number(beg);
    const b = Number(end);
    // Ansible makes no host of [3:1], silently; a range that names nobody is a mistake worth saying.
    if (a > b) throw new HostRangeError('host range must have begin <= end');
    if ((b - a) / step + 1 > budget.left) throw new HostRangeError(`host range [${bounds.join(':')}] makes more than ${MAX_RANGE_HOSTS} hosts`);
    for (let i = a; i <= b; i += step) seq.push(i);
  }
  const out: string[] = [];
  for (const x of seq) {
    out.push(...expandRanges(`${head}${fill(x)}${tail}`, budget));
  }
  return out;
}
