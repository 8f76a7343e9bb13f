import { FactsInvalid, FactsSnapshotInvalid, type PlumbError } from '../errors/index.js';
import { factsProblem } from './check.js';
import type { Facts, FactsSnapshot } from './types.js';

/** The snapshot format this plumb writes and reads: 2 since facts carry `dirs` and secrets only as labels. */
export const SNAPSHOT_VERSION = 2;

/** Pure: the snapshot of one gathering run. */
export function toSnapshot(facts: Map<string, Facts>, errors: Map<string, PlumbError>, opts: { gatheredAt: Date; commit?: string | null }): FactsSnapshot {
  const snap: FactsSnapshot = {
    version: SNAPSHOT_VERSION,
    gatheredAt: opts.gatheredAt.toISOString(),
    ...(opts.commit ? { commit: opts.commit } : {}),
    hosts: Object.fromEntries([...facts.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
  if (errors.size) snap.errors = Object.fromEntries([...errors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([h, e]) => [h, { code: e.code, message: e.message }]));
  return snap;
}

/**
 * Pure: reads a snapshot file's text, checking the shape that plan relies on. `file` only names it in errors.
 * A file of another version or shape is refused with the first thing that is wrong, not half-read; a host whose
 * facts do not hold up (factsProblem) moves to `errors` as E_FACTS_INVALID, and the other hosts stand.
 */
export function parseSnapshot(text: string, file: string): FactsSnapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new FactsSnapshotInvalid(file, `not JSON (${(e as Error).message.slice(0, 200)})`);
  }
  const fail = (what: string): never => {
    throw new FactsSnapshotInvalid(file, what);
  };
  if (!isObject(v)) return fail('the top level is not an object');
  if (v.version !== SNAPSHOT_VERSION) fail(`version is ${JSON.stringify(v.version)?.slice(0, 40)}, this plumb reads version ${SNAPSHOT_VERSION} (gather the facts again with this plumb)`);
  if (typeof v.gatheredAt !== 'string' || Number.isNaN(Date.parse(v.gatheredAt))) fail('gatheredAt is not a date');
  if (v.commit !== undefined && (typeof v.commit !== 'string' || !/^[0-9a-f]{40}$/.test(v.commit))) fail('commit is not a 40-digit commit id');
  if (!isObject(v.hosts)) return fail('hosts is not an object');
  if (v.errors !== undefined && !isObject(v.errors)) fail('errors is not an object');
  const hosts: Record<string, Facts> = {};
  const errors: Record<string, { code: string; message: string }> = {};
  for (const [name, e] of Object.entries((v.errors ?? {}) as Record<string, unknown>)) {
    errors[name] = isObject(e) && typeof e.code === 'string' && typeof e.message === 'string' ? { code: e.code, message: e.message } : { code: 'E_FACTS_SNAPSHOT', message: 'an unreadable error entry' };
  }
  for (const [name, f] of Object.entries(v.hosts)) {
    const problem = !isObject(f) ? 'not an object' : f.host !== name ? `its host is ${JSON.stringify(f.host)?.slice(0, 80)}` : factsProblem(f as unknown as Facts);
    if (problem) {
      const e = new FactsInvalid(name, problem);
      errors[name] = { code: e.code, message: e.message };
    } else hosts[name] = f as unknown as Facts;
  }
  return { version: SNAPSHOT_VERSION, gatheredAt: v.gatheredAt as string, ...(v.commit ? { commit: v.commit as string } : {}), hosts, ...(Object.keys(errors).length ? { errors } : {}) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
