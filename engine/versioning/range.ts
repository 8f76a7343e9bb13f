import { InvalidRange } from '../errors/versioning.js';
import type { VersionScheme } from './types.js';

/**
 * Version ranges as common.schema.json's VersionRange writes them: comparators joined by spaces or commas, all
 * of which must hold ('>= 1.0, < 2.0'), or '*' for every version. `<` and `>` are strict here (dpkg's deprecated
 * one-character `<` meant `<=`); dpkg's `<<` and `>>` are accepted as the same strict `<` and `>`.
 */
export interface Comparator {
  op: '<' | '<=' | '>' | '>=' | '=' | '!=';
  version: string;
}

const OPS: Record<string, Comparator['op']> = { '<': '<', '<<': '<', '<=': '<=', '>': '>', '>>': '>', '>=': '>=', '=': '=', '!=': '!=' };

// One comparator at a time, sticky: an operator, optional blanks, a version in the schema's alphabet, then blanks
// and at most one comma before the next. Mirrors the VersionRange pattern so the two cannot disagree.
const COMPARATOR = /(<=|>=|<<|>>|<|>|=|!=)\s*([A-Za-z0-9][A-Za-z0-9.+~^_:-]*)\s*/y;
const SEPARATOR = /,\s*/y;

/** The comparators of a range, [] for '*' (matches everything), or null when the text is not a VersionRange. */
export function parseRange(range: string): Comparator[] | null {
  const text = range.trim();
  if (text === '*') return [];
  const out: Comparator[] = [];
  let at = 0;
  while (at < text.length) {
    if (out.length > 0) {
      SEPARATOR.lastIndex = at;
      if (SEPARATOR.exec(text)) at = SEPARATOR.lastIndex;
    }
    COMPARATOR.lastIndex = at;
    const m = COMPARATOR.exec(text);
    if (!m) return null;
    out.push({ op: OPS[m[1]!]!, version: m[2]! });
    at = COMPARATOR.lastIndex;
  }
  return out.length > 0 ? out : null;
}

/** Whether one comparison result satisfies an operator. */
export function holds(op: Comparator['op'], cmp: number): boolean {
  switch (op) {
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
  }
}

/**
 * Whether `version` lies in the range under the scheme's order. A range string that is not a VersionRange throws
 * InvalidRange (E_INVALID_RANGE); a version the scheme refuses throws InvalidVersion (E_INVALID_VERSION).
 * Parse once with parseRange() and pass the comparators when matching many versions.
 */
export function satisfies(scheme: VersionScheme, version: string, range: string | Comparator[]): boolean {
  const comparators = typeof range === 'string' ? parseRange(range) : range;
  if (comparators === null) throw new InvalidRange(String(range));
  for (const c of comparators) if (!holds(c.op, scheme.compare(version, c.version))) return false;
  return true;
}
