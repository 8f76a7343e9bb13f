import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../ledger/repo.js';
import { plumbDir } from '../model/state-dir.js';
import { parseSnapshot, SNAPSHOT_VERSION } from './snapshot.js';
import type { Facts, FactsSnapshot } from './types.js';

/** Where `plumb apply` and `plumb reconcile` keep the newest facts of every host they reached (`plumb serve` reads it). */
export const LATEST_FACTS = join('.plumb', 'facts', 'latest.json');

/**
 * Merges newly gathered facts into the repository's latest-facts snapshot: a host gathered now replaces its entry; a
 * host that failed now keeps its older facts (their age tells how old) and gets the error beside them; hosts not
 * asked this time keep theirs. Written atomically, readable by the owner only (facts can hold file contents).
 * An unreadable old file is started over: it is only ever the newest of what was gathered.
 */
export function recordLatestFacts(repoRoot: string, gathered: ReadonlyMap<string, Facts>, errors: ReadonlyMap<string, { code: string; message: string }>, opts: { at: Date; commit?: string | null }): void {
  const dir = plumbDir(repoRoot, 'facts');
  const path = join(dir, 'latest.json');
  let old: FactsSnapshot | undefined;
  try {
    old = parseSnapshot(readFileSync(path, 'utf8'), path);
  } catch {
    old = undefined;
  }
  const hosts: Record<string, Facts> = { ...(old?.hosts ?? {}) };
  const failed: Record<string, { code: string; message: string }> = { ...(old?.errors ?? {}) };
  for (const [h, f] of gathered) {
    hosts[h] = f;
    delete failed[h];
  }
  for (const [h, e] of errors) failed[h] = { code: e.code, message: e.message };
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  const snap: FactsSnapshot = { version: SNAPSHOT_VERSION, gatheredAt: opts.at.toISOString(), ...(opts.commit ? { commit: opts.commit } : {}), hosts: sorted(hosts), ...(Object.keys(failed).length ? { errors: sorted(failed) } : {}) };
  writeFileAtomic(path, JSON.stringify(snap), { sync: false });
  chmodSync(path, 0o600);
}
