import { activeExceptions } from '../diff/index.js';
import type { HostEntry, Model, RemediationEntry } from '../model/types.js';
import type { Timeline } from './timeline.js';
import type { HostObservation } from './types.js';

export type HostState =
  /** Every finding of the remediation on the host was verified fixed by a run; `at` is when the last one was. */
  | { host: string; ring: string; state: 'done'; at: number }
  | { host: string; ring: string; state: 'open' }
  /** An approved exception covers the remediation on this host: left out of the figures, listed. */
  | { host: string; ring: string; state: 'excluded'; exception: string };

/** Where one remediation stands on the hosts of a scope. */
export interface RemediationProgress {
  remediation: RemediationEntry;
  hosts: HostState[];
  /** Every relevant (not excluded) host done: when the last one was. */
  completedAt?: number;
}

/**
 * A host is relevant to a remediation when the ledger recorded one of its actions there or the host has one of its
 * findings now. It is done when every finding key seen for the remediation there has a standing verification (a
 * completed rollback withdraws one); the first verification counts, so a later regression shows in the ratios and
 * on the host's page, not here. A key the ledger saw but never verified, and which the host's current facts no
 * longer show, was resolved outside plumb at an unknown time: it is ignored, and a host left with no key is not
 * relevant. Runs after the period make a host relevant; their verifications do not count in it. Pure.
 */
export function remediationProgress(model: Model, r: RemediationEntry, scope: HostEntry[], hosts: Record<string, HostObservation>, timeline: Timeline, now: Date): RemediationProgress {
  const states: HostState[] = [];
  for (const h of scope) {
    const obs = hosts[h.name];
    const open = new Set((obs?.diff?.findings ?? []).filter((f) => f.origin.kind === 'remediation' && f.origin.id === r.id).map((f) => f.key));
    const suppressed = (obs?.diff?.suppressed ?? []).find((f) => f.origin.kind === 'remediation' && f.origin.id === r.id);
    const ledger = timeline.ledgerKeys(h.name, r.id);
    if (!open.size && !ledger.size && !suppressed) continue;
    const exception = suppressed?.exception.id ?? activeExceptions(model, h, now).find((x) => x.remediation === r.id && !x.finding)?.id;
    if (exception) {
      states.push({ host: h.name, ring: h.ring, state: 'excluded', exception });
      continue;
    }
    const factsKnown = Boolean(obs?.facts);
    let pending = false;
    let last = -Infinity;
    let keys = 0;
    for (const key of new Set([...open, ...ledger.keys()])) {
      const { verified, later } = ledger.get(key) ?? { verified: null, later: false };
      if (verified === null) {
        if (factsKnown && !open.has(key) && !later) continue; // resolved outside plumb
        pending = true;
      } else last = Math.max(last, verified);
      keys++;
    }
    if (!keys) continue;
    states.push(pending ? { host: h.name, ring: h.ring, state: 'open' } : { host: h.name, ring: h.ring, state: 'done', at: last });
  }
  const relevant = states.filter((s) => s.state !== 'excluded');
  const completedAt = relevant.length && relevant.every((s) => s.state === 'done') ? Math.max(...relevant.map((s) => (s as { at: number }).at)) : undefined;
  return { remediation: r, hosts: states, ...(completedAt !== undefined ? { completedAt } : {}) };
}
