import type { Origin } from '../diff/types.js';
import type { RunRecord } from './types.js';

/** Per host, per finding key: the last run that verified the finding fixed. */
export type VerifiedIndex = Map<string, Map<string, { run: string; verifiedAt: string; origin: Origin }>>;

/**
 * What was verified fixed when, per host and finding key; the latest verification wins (ties: the later run in
 * `runs`). A finding that shows up again after its entry here is a regression, distinct from new drift.
 * A completed rollback of a run on a host withdraws that run's verifications there: undoing a change on purpose
 * is not a regression (a rollback's own actions are not findings and are not indexed). Pure.
 */
export function verifiedIndex(runs: RunRecord[]): VerifiedIndex {
  const index: VerifiedIndex = new Map();
  for (const run of runs) {
    for (const host of run.hosts) {
      let byKey = index.get(host.host);
      if (run.kind === 'rollback') {
        // Its own actions (`rollback:…`) are not findings of the desired state; only their effect matters here.
        if (run.rollbackOf && byKey && host.status === 'changed') for (const [key, v] of byKey) if (v.run === run.rollbackOf) byKey.delete(key);
        continue;
      }
      for (const a of host.actions) {
        if (a.result !== 'verified') continue;
        const at = a.verifiedAt ?? host.endedAt ?? run.endedAt ?? run.startedAt;
        if (!byKey) index.set(host.host, (byKey = new Map()));
        const before = byKey.get(a.finding);
        if (!before || Date.parse(at) >= Date.parse(before.verifiedAt)) byKey.set(a.finding, { run: run.id, verifiedAt: at, origin: a.origin });
      }
    }
  }
  return index;
}
