import { FactsSnapshotInvalid, type PlumbError } from '../errors/index.js';
import type { Facts, FactsSnapshot } from './types.js';

/** Pure: the snapshot of one gathering run. */
export function toSnapshot(facts: Map<string, Facts>, errors: Map<string, PlumbError>, opts: { gatheredAt: Date; commit?: string | null }): FactsSnapshot {
  const snap: FactsSnapshot = {
    version: 1,
    gatheredAt: opts.gatheredAt.toISOString(),
    ...(opts.commit ? { commit: opts.commit } : {}),
    hosts: Object.fromEntries([...facts.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
  if (errors.size) snap.errors = Object.fromEntries([...errors.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([h, e]) => [h, { code: e.code, message: e.message }]));
  return snap;
}

/**
 * Pure: reads a snapshot file's text, checking the shape that plan relies on. `file` only names it in errors.
 * Hand-edited or foreign files are refused with the first thing that is wrong, not half-read.
 */
export function parseSnapshot(text: string, file: string): FactsSnapshot {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new FactsSnapshotInvalid(file, `not JSON (${(e as Error).message})`);
  }
  const fail = (what: string): never => {
    throw new FactsSnapshotInvalid(file, what);
  };
  if (!isObject(v)) return fail('the top level is not an object');
  if (v.version !== 1) fail(`version is ${JSON.stringify(v.version)}, this plumb reads version 1`);
  if (typeof v.gatheredAt !== 'string' || Number.isNaN(Date.parse(v.gatheredAt))) fail('gatheredAt is not a date');
  if (v.commit !== undefined && (typeof v.commit !== 'string' || !/^[0-9a-f]{40}$/.test(v.commit))) fail('commit is not a 40-digit commit id');
  if (!isObject(v.hosts)) return fail('hosts is not an object');
  for (const [name, f] of Object.entries(v.hosts)) {
    const at = `hosts.${name}`;
    if (!isObject(f)) return fail(`${at} is not an object`);
    if (f.host !== name) fail(`${at}.host is ${JSON.stringify(f.host)}, expected "${name}"`);
    if (typeof f.gatheredAt !== 'string') fail(`${at}.gatheredAt is missing`);
    for (const k of ['files', 'settings', 'services', 'sysctl'] as const) if (!isObject(f[k])) fail(`${at}.${k} is not an object`);
    if (f.packages !== null && !isObject(f.packages)) fail(`${at}.packages is neither null nor an object`);
    if (f.held !== null && !Array.isArray(f.held)) fail(`${at}.held is neither null nor a list`);
    if (!Array.isArray(f.unknown)) fail(`${at}.unknown is not a list`);
    if (!Array.isArray(f.rebootPackages)) fail(`${at}.rebootPackages is not a list`);
  }
  if (v.errors !== undefined && !isObject(v.errors)) fail('errors is not an object');
  return v as unknown as FactsSnapshot;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
