import type { Advisory, AffectedPackage, StoredAdvisory } from './types.js';

/**
 * Which revision of an advisory the store keeps. Pure: the stored advisory (if any) and an incoming one in, the
 * outcome out. A newer `modified` replaces; an older one is ignored and reported; the same content is unchanged.
 * Feeds without record dates (Debian tracker) have no order, so any change of content is a new revision, dated now.
 */
export type RevisionOutcome =
  | { kind: 'new'; advisory: StoredAdvisory }
  | { kind: 'unchanged'; advisory: StoredAdvisory }
  | { kind: 'updated'; advisory: StoredAdvisory; from: string; to: string; changes: string[] }
  | { kind: 'older'; advisory: StoredAdvisory; stored: string; incoming: string };

export function mergeRevision(existing: StoredAdvisory | undefined, incoming: Advisory, now: string): RevisionOutcome {
  if (!existing) return { kind: 'new', advisory: { ...incoming, knew: now } };
  if (contentKey(existing) === contentKey(incoming)) return { kind: 'unchanged', advisory: existing };
  const replaced = (modified: string): StoredAdvisory => ({ ...incoming, modified, knew: existing.knew });
  if (incoming.modifiedFrom === 'import') {
    return { kind: 'updated', advisory: replaced(now), from: existing.modified, to: now, changes: describeChanges(existing, incoming) };
  }
  const order = Date.parse(incoming.modified) - Date.parse(existing.modified);
  if (order < 0) return { kind: 'older', advisory: existing, stored: existing.modified, incoming: incoming.modified };
  const changes = describeChanges(existing, incoming);
  if (order === 0) changes.push('same modified date, different content');
  return { kind: 'updated', advisory: replaced(incoming.modified), from: existing.modified, to: incoming.modified, changes };
}

/** Everything that makes a revision different, in a canonical form: where it was read from and when we learned of it do not. */
export function contentKey(a: Advisory | StoredAdvisory): string {
  const { origin: _o, ...rest } = a;
  const copy: Record<string, unknown> = { ...rest };
  delete copy.knew;
  if (a.modifiedFrom === 'import') delete copy.modified;
  return canonicalJson(copy);
}

/** JSON with object keys sorted at every level, so that equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
      return sorted;
    }
    return v;
  });
}

const where = (a: AffectedPackage) => `${a.ecosystem.os} ${a.ecosystem.release}${a.ecosystem.variant ? ` (${a.ecosystem.variant})` : ''} ${a.package}${a.packageKind === 'source' ? ' (source)' : ''}`;
const entryKey = (a: AffectedPackage) => `${where(a)}\u0000${a.status === 'not-affected' || a.status === 'under-investigation' ? a.status : 'affected'}\u0000${(a.ids ?? []).join(',')}`;

/** What a reviewer needs to know about a revision: "severity high → critical", "fixed debian 12 openssl 1.2-3 → 1.2-4". */
export function describeChanges(before: Advisory, after: Advisory): string[] {
  const out: string[] = [];
  if (before.severity !== after.severity) out.push(`severity ${before.severity} → ${after.severity}`);
  const score = (a: Advisory) => Math.max(-1, ...(a.cvss ?? []).map((c) => c.score ?? -1));
  if (score(before) !== score(after) && score(after) >= 0) out.push(`CVSS ${score(before) >= 0 ? score(before) : 'none'} → ${score(after)}`);
  if (!before.withdrawn && after.withdrawn) out.push(`withdrawn ${after.withdrawn}`);
  if (before.withdrawn && !after.withdrawn) out.push('no longer withdrawn');
  const addedAliases = after.aliases.filter((x) => !before.aliases.includes(x));
  if (addedAliases.length) out.push(`aliases + ${addedAliases.join(', ')}`);
  const b = new Map(before.affected.map((a) => [entryKey(a), a]));
  const n = new Map(after.affected.map((a) => [entryKey(a), a]));
  for (const [key, a] of n) {
    const old = b.get(key);
    if (!old) {
      const sameWhere = before.affected.find((x) => where(x) === where(a));
      if (sameWhere) out.push(`${where(a)}: ${sameWhere.status} → ${a.status}${a.fixed ? ` (fixed ${a.fixed})` : ''}`);
      else out.push(`+ ${a.status} ${where(a)}${a.fixed ? ` (fixed ${a.fixed})` : ''}`);
    } else if (old.fixed !== a.fixed) out.push(`fixed ${where(a)} ${old.fixed ?? 'none'} → ${a.fixed ?? 'none'}`);
    else if (JSON.stringify(old.ranges) !== JSON.stringify(a.ranges)) out.push(`affected ranges of ${where(a)} changed`);
  }
  for (const [key, a] of b) {
    if (n.has(key)) continue;
    if (!after.affected.some((x) => where(x) === where(a))) out.push(`- ${a.status} ${where(a)}`);
  }
  if (!out.length) out.push('details changed');
  return out;
}
