import { canonical } from '../facts/digest.js';
import type { Plan } from './types.js';

/**
 * What differs between a saved plan (what a person reviewed) and the fresh plan apply computed from the same commit and
 * the same facts: every action of every host the saved plan names, field by field. Apply runs the fresh plan, so a
 * difference means the saved file was edited, or the world moved in a way the digests do not cover (an approval that
 * expired since): either way what would run is not what was reviewed. Pure; at most `limit` lines.
 */
export function planDifferences(saved: Plan, fresh: Plan, limit = 20): string[] {
  const out: string[] = [];
  const add = (line: string) => out.length < limit && out.push(line);
  const freshHosts = new Map(fresh.hosts.map((h) => [h.host, h]));
  const savedHosts = Array.isArray(saved.hosts) ? saved.hosts : [];
  for (const sh of savedHosts) {
    const name = typeof sh?.host === 'string' ? sh.host : JSON.stringify(sh?.host);
    const fh = freshHosts.get(name);
    if (!fh) {
      add(`${name}: in the saved plan, not in the fresh one`);
      continue;
    }
    const savedActions = new Map((Array.isArray(sh.actions) ? sh.actions : []).map((a) => [String((a as { id?: unknown })?.id), a]));
    const freshActions = new Map(fh.actions.map((a) => [a.id, a]));
    for (const [id, a] of savedActions) {
      const f = freshActions.get(id);
      if (!f) {
        add(`${id}: in the saved plan, not in the fresh one`);
        continue;
      }
      for (const field of new Set([...Object.keys(comparable(a)), ...Object.keys(comparable(f))])) {
        const x = canonical(comparable(a)[field]);
        const y = canonical(comparable(f)[field]);
        if (x !== y) add(`${id}: ${field} is ${clip(x)} in the saved plan, ${clip(y)} now`);
      }
    }
    for (const id of freshActions.keys()) if (!savedActions.has(id)) add(`${id}: would run now, but is not in the saved plan`);
  }
  return out;
}

/** An action's fields that decide what runs and why; not the regression note or the line-and-column provenance. */
function comparable(a: unknown): Record<string, unknown> {
  if (!a || typeof a !== 'object') return { action: a };
  const { regression: _r, provenance: _p, ...rest } = a as Record<string, unknown>;
  return rest;
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);
