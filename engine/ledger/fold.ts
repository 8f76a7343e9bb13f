import { E_INTERRUPTED, settleHost } from './settle.js';
import type { ActionRecord, ActionResult, HostRecord, JournalEvent, RingRecord, RunRecord, RunStatus, Settlement } from './types.js';

export { E_INTERRUPTED };

type Pending = Omit<ActionRecord, 'result'> & { result?: ActionResult };

interface HostState {
  rec: Omit<HostRecord, 'status' | 'actions'> & { status?: HostRecord['status'] };
  actions: Map<string, Pending>;
  applied: Set<string>;
  started: Set<string>;
  /** The run's own re-gather of this host, applied once its actions have their results. */
  settled?: Pick<Settlement, 'outcome' | 'actions'>;
}

/**
 * Folds a journal into the run's record. Pure and total: it never throws, whatever the events. A journal without
 * run-end folds to status 'interrupted'; whatever the run left unfinished gets an honest result:
 * - an action started but neither applied nor failed: 'failed', E_INTERRUPTED (its effect on the host is unknown);
 * - an action applied but never verified: 'unverified', E_INTERRUPTED;
 * - an action never started: 'skipped';
 * - a host without host-end: 'failed', E_INTERRUPTED, unless every action already had its outcome.
 * Events that cannot be placed are listed in `anomalies` rather than dropped silently.
 * `fallback.id` names the run when the run-start event itself is missing (a journal whose beginning was cut off).
 */
export function foldJournal(events: JournalEvent[], fallback: { id?: string; live?: string } = {}): RunRecord {
  const anomalies: string[] = [];
  const hosts = new Map<string, HostState | HostRecord>();
  const rings: RingRecord[] = [];
  let run: Omit<RunRecord, 'hosts' | 'rings' | 'status'> | undefined;
  let end: { status: RunStatus; at: string; reason?: string } | undefined;
  const settles: Settlement[] = [];

  const hostOf = (i: number, e: { t: string; host: string }): HostState | undefined => {
    const h = hosts.get(e.host);
    if (h && 'rec' in h) return h;
    anomalies.push(`event ${i} (${e.t}): host ${e.host} ${h ? 'was skipped' : 'was never started'}`);
    return undefined;
  };
  const actionOf = (i: number, e: { t: string; host: string; action: string }): Pending | undefined => {
    const h = hostOf(i, e);
    const a = h?.actions.get(e.action);
    if (h && !a) anomalies.push(`event ${i} (${e.t}): host ${e.host} announced no action ${e.action}`);
    return a;
  };

  for (const [i, e] of events.entries()) {
    if (end && e.t !== 'run-end') anomalies.push(`event ${i} (${e.t}) comes after run-end`);
    switch (e.t) {
      case 'run-start':
        if (run) anomalies.push(`event ${i}: a second run-start (ignored)`);
        else {
          if (i > 0) anomalies.push(`event ${i}: run-start is not the first event`);
          run = structuredClone(e.run);
        }
        break;
      case 'host-start': {
        if (hosts.has(e.host.host)) {
          anomalies.push(`event ${i}: host ${e.host.host} started twice (the second start is ignored)`);
          break;
        }
        const { actions, ...rec } = structuredClone(e.host);
        hosts.set(rec.host, { rec, actions: new Map(actions.map((a) => [a.id, a])), applied: new Set(), started: new Set() });
        break;
      }
      case 'host-skipped':
        if (hosts.has(e.host)) anomalies.push(`event ${i}: host ${e.host} skipped after it was started (ignored)`);
        else hosts.set(e.host, { host: e.host, system: e.system, ring: e.ring, status: 'skipped', skipReason: e.reason, packagesBefore: {}, actions: [], endedAt: e.at, ...(e.failure ? { error: { ...e.failure } } : {}) });
        break;
      case 'txn': {
        const h = hostOf(i, e);
        if (!h) break;
        const txns = (h.rec.txns ??= []);
        const at = txns.findIndex((x) => x.dir === e.txn.dir);
        if (at >= 0) txns[at] = { ...txns[at], ...e.txn };
        else txns.push({ ...e.txn });
        break;
      }
      case 'settled': {
        if (e.run && e.run !== (run?.id ?? fallback.id)) {
          settles.push({ run: e.run, host: e.host, outcome: structuredClone(e.outcome), actions: structuredClone(e.actions) });
          break;
        }
        const h = hostOf(i, e);
        if (h) h.settled = { outcome: structuredClone(e.outcome), actions: structuredClone(e.actions) };
        break;
      }
      case 'backup': {
        const h = hostOf(i, e);
        if (h) h.rec.backup = e.backup;
        break;
      }
      case 'action-start': {
        const a = actionOf(i, e);
        if (a) {
          a.startedAt = e.at;
          hostOf(i, e)!.started.add(a.id);
        }
        break;
      }
      case 'action-applied': {
        const a = actionOf(i, e);
        if (a) {
          a.appliedAt = e.at;
          hostOf(i, e)!.applied.add(a.id);
        }
        break;
      }
      case 'action-failed': {
        const a = actionOf(i, e);
        if (a) Object.assign(a, { result: 'failed', error: { ...e.error } });
        break;
      }
      case 'action-skipped': {
        const a = actionOf(i, e);
        if (a) Object.assign(a, { result: 'skipped', skipReason: e.reason });
        break;
      }
      case 'host-restored':
        for (const id of e.actions) {
          const a = actionOf(i, { ...e, action: id });
          if (a) a.result = 'restored';
        }
        break;
      case 'verified': {
        const h = hostOf(i, e);
        if (!h) break;
        for (const id of e.verified) {
          const a = actionOf(i, { ...e, action: id });
          if (a) Object.assign(a, { result: 'verified', verifiedAt: e.at });
        }
        for (const id of e.unverified) {
          const a = actionOf(i, { ...e, action: id });
          if (a) a.result = 'unverified';
        }
        if (e.packagesAfter) h.rec.packagesAfter = { ...e.packagesAfter };
        if (e.factsDigestAfter) h.rec.factsDigestAfter = e.factsDigestAfter;
        break;
      }
      case 'host-end': {
        const h = hostOf(i, e);
        if (!h) break;
        Object.assign(h.rec, { status: e.status, endedAt: e.at });
        if (e.error) h.rec.error = { ...e.error };
        break;
      }
      case 'ring': {
        const at = rings.findIndex((r) => r.ring === e.ring.ring);
        if (at >= 0) rings[at] = { ...e.ring };
        else rings.push({ ...e.ring });
        break;
      }
      case 'run-end':
        if (end) anomalies.push(`event ${i}: a second run-end (ignored)`);
        else end = { status: e.status, at: e.at, reason: e.reason };
        break;
      default:
        anomalies.push(`event ${i}: unknown event type ${String((e as { t: unknown }).t)}`);
    }
  }

  if (!run) {
    anomalies.unshift('the run-start event is missing: the kind, desired-state commit, approvals and operator of this run are unknown');
    run = { id: fallback.id ?? 'unknown', kind: 'apply', startedAt: events.find((e) => e.at)?.at ?? '1970-01-01T00:00:00.000Z', commit: null, approvals: [], operator: { user: 'unknown', hostname: 'unknown' } };
  }
  const cause = end ? `the run ended (${end.status}${end.reason ? `: ${end.reason}` : ''})` : 'the run was interrupted (the engine stopped: a crash, a kill or a power loss)';
  const live = !end && fallback.live;
  const record: RunRecord = {
    ...run,
    status: end?.status ?? (live ? 'running' : 'interrupted'),
    rings,
    hosts: [...hosts.values()].map((h) => {
      if (!('rec' in h)) return h;
      const done = live ? inProgress(h, fallback.live!) : finishHost(h, cause);
      return h.settled ? settleHost(done, h.settled) : done;
    }),
  };
  if (end) record.endedAt = end.at;
  if (end?.reason) record.stopReason = end.reason;
  if (settles.length) record.settles = settles;
  if (anomalies.length) record.anomalies = anomalies;
  return record;
}

/** A host of a run that is still going: what it did so far, the rest marked in progress (never failed or interrupted). */
function inProgress(h: HostState, note: string): HostRecord {
  const actions: ActionRecord[] = [...h.actions.values()].map((a) => (a.result ? (a as ActionRecord) : { ...a, result: 'unverified', error: { code: 'E_IN_PROGRESS', message: `in progress: ${note}` } }));
  return { ...h.rec, status: h.rec.status ?? 'in-progress', actions };
}

function finishHost(h: HostState, cause: string): HostRecord {
  let open = 0;
  const actions: ActionRecord[] = [...h.actions.values()].map((a) => {
    if (a.result) return a as ActionRecord;
    open++;
    if (h.applied.has(a.id)) return { ...a, result: 'unverified', error: { code: E_INTERRUPTED, message: `${cause} after this action was applied and before it was verified` } };
    if (h.started.has(a.id)) {
      const backup = h.rec.backup ? `; the host's backup is ${h.rec.backup}` : '';
      return { ...a, result: 'failed', error: { code: E_INTERRUPTED, message: `${cause} while this action was being applied: its effect on the host is unknown${backup}` } };
    }
    return { ...a, result: 'skipped', skipReason: `${cause} before this action started` };
  });
  if (h.rec.status) return { ...h.rec, status: h.rec.status, actions };
  if (open) {
    const applied = actions.filter((a) => h.applied.has(a.id)).length;
    const verified = actions.filter((a) => a.result === 'verified').length;
    return { ...h.rec, status: 'failed', actions, error: { code: E_INTERRUPTED, message: `${cause} before this host finished: ${applied} of ${actions.length} action(s) applied, ${verified} verified` } };
  }
  // Every action had its outcome and only host-end is missing: the host's status follows from them.
  const has = (r: ActionResult) => actions.some((a) => a.result === r);
  const status: HostRecord['status'] = has('failed') ? 'failed' : has('restored') ? 'restored' : h.applied.size ? 'changed' : 'unchanged';
  return { ...h.rec, status, actions };
}
