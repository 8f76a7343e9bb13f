import type { VersionRange } from './types.js';

export interface RangeEvent {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
}

const KIND_ORDER = { introduced: 0, fixed: 1, last_affected: 2, limit: 3 };

/**
 * OSV events → affected intervals, following the OSV evaluation rule: sort the events by version ('0' first),
 * then an `introduced` opens an interval and the next `fixed` (exclusive) or `last_affected` (inclusive) closes
 * it. `limit` only bounds git walks and is ignored. Versions must already be valid for `compare`.
 */
export function intervalsFromEvents(events: readonly RangeEvent[], compare: (a: string, b: string) => number): VersionRange[] {
  const sorted = [...events].sort((a, b) => {
    const a0 = a.kind === 'introduced' && a.version === '0';
    const b0 = b.kind === 'introduced' && b.version === '0';
    if (a0 || b0) return a0 && b0 ? 0 : a0 ? -1 : 1;
    return compare(a.version, b.version) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  });
  const out: VersionRange[] = [];
  let open: string | null = null;
  const start = (v: string): VersionRange => (v === '0' ? {} : { introduced: v });
  for (const e of sorted) {
    if (e.kind === 'introduced') {
      if (open === null) open = e.version;
    } else if (e.kind === 'fixed') {
      if (open !== null) out.push({ ...start(open), fixed: e.version });
      open = null;
    } else if (e.kind === 'last_affected') {
      if (open !== null) out.push({ ...start(open), lastAffected: e.version });
      open = null;
    }
  }
  if (open !== null) out.push(start(open));
  return out;
}

/** The fix a reader wants to see: the fixed version of the last interval, or none when the last one is still open. */
export function lastFixed(ranges: readonly VersionRange[]): string | undefined {
  const last = ranges[ranges.length - 1];
  return last?.fixed;
}
