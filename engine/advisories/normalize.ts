import type { AffectedPackage } from './types.js';

/** Helpers shared by the format plug-ins, so that every normalized advisory looks the same whatever its source. */

/** Whitespace-normalized text, cut at a bound (advisory prose can be megabytes; the store keeps a readable summary). */
export function trimText(s: string, max: number): string {
  const t = s.replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** http(s) URLs only, each once, at most `max`. */
export function urls(list: Iterable<unknown>, max = 100): string[] {
  const out = new Set<string>();
  for (const u of list) {
    if (typeof u !== 'string' || u.length > 2048 || !/^https?:\/\/[^\s]+$/.test(u)) continue;
    out.add(u);
    if (out.size >= max) break;
  }
  return [...out];
}

/** Entries identical in everything are kept once (RHEL streams and architectures repeat the same fact). */
export function dedupeAffected(list: AffectedPackage[]): AffectedPackage[] {
  const seen = new Map<string, AffectedPackage>();
  for (const a of list) {
    const key = JSON.stringify(a);
    if (!seen.has(key)) seen.set(key, a);
  }
  return [...seen.values()];
}
