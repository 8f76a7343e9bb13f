import type { ActionRecord, HostOutcome, HostRecord, Observation, RunRecord, Settlement } from './types.js';

/** An action's effect on the host is not known: the run stopped (crash, kill) or lost the host while it was under way. */
export const E_INTERRUPTED = 'E_INTERRUPTED';
/** The run knew it could not tell what happened (connection lost, command timed out, host unreachable afterwards). */
export const E_EFFECT_UNKNOWN = 'E_EFFECT_UNKNOWN';
/** A re-gather showed neither the state before the action nor the one it intended. */
export const E_HOST_STATE = 'E_HOST_STATE';

const UNCERTAIN = new Set([E_INTERRUPTED, E_EFFECT_UNKNOWN]);

/** Whether the record leaves this action's effect on the host open. */
export function isUncertain(a: ActionRecord): boolean {
  if (a.observed?.state === 'unknown') return true;
  if (a.observed) return false;
  return Boolean(a.error && UNCERTAIN.has(a.error.code) && (a.result === 'failed' || a.result === 'unverified'));
}

/** Whether a host's record still needs a re-gather to say what the run did to it. */
export function needsSettlement(h: HostRecord): boolean {
  if (h.status === 'skipped') return false;
  if (h.outcome) return h.outcome.state === 'unknown';
  const started = h.actions.some((a) => a.startedAt);
  // A host the run never finished (a kill mid-restore leaves every action with a result but the host open), or whose
  // transaction's end nobody saw, is as open as an action whose effect is unknown.
  return h.actions.some(isUncertain) || (started && (!h.endedAt || Boolean(h.txns?.some((t) => t.code === undefined)))) || (h.status === 'failed' && h.error !== undefined && UNCERTAIN.has(h.error.code) && started);
}

/** An action's result once the host was examined again. Pure. */
export function settleAction(a: ActionRecord, observed: Observation, settledIn?: string): ActionRecord {
  const out: ActionRecord = { ...a, observed };
  if (settledIn) out.settledIn = settledIn;
  const uncertainError = a.error && UNCERTAIN.has(a.error.code);
  switch (observed.state) {
    case 'after':
      out.result = 'verified';
      out.verifiedAt = observed.at;
      if (uncertainError) delete out.error;
      delete out.skipReason;
      break;
    case 'before':
      if (uncertainError) delete out.error;
      if (a.appliedAt) out.result = 'restored';
      else if (a.result === 'failed' && out.error) out.result = 'failed';
      else {
        out.result = 'skipped';
        out.skipReason = `not applied: the host shows the state before it (${show(observed.value)})`;
      }
      break;
    case 'other':
      out.result = 'failed';
      out.error = { code: E_HOST_STATE, message: `the host shows ${show(observed.value)}, neither the state before (${show(a.before)}) nor the one intended (${show(a.after)})${a.error && !uncertainError ? `; ${a.error.message}` : ''}` };
      break;
    case 'unknown':
      if (a.result !== 'failed' && a.result !== 'unverified') break;
      out.error = { code: a.error?.code && UNCERTAIN.has(a.error.code) ? a.error.code : E_EFFECT_UNKNOWN, message: `effect unknown: ${observed.why ?? 'the host could not be examined'}` };
      break;
  }
  return out;
}

/** A host's record with a settlement applied: its actions' results, its outcome, and a status that says the truth. */
export function settleHost(h: HostRecord, s: Pick<Settlement, 'outcome' | 'actions'>, settledIn?: string): HostRecord {
  const byId = new Map(s.actions.map((x) => [x.id, x.observed]));
  const actions = h.actions.map((a) => {
    const o = byId.get(a.id);
    return o ? settleAction(a, o, settledIn) : a;
  });
  const outcome: HostOutcome = settledIn ? { ...s.outcome, settledIn } : { ...s.outcome };
  const out: HostRecord = { ...h, actions, outcome };
  if (settledIn) {
    // Only a later run's settlement rewrites what the run itself concluded; within a run the host-end says it.
    const status: HostRecord['status'] | undefined = { applied: 'changed', restored: 'restored', unchanged: h.status === 'failed' ? 'failed' : 'unchanged', partial: 'failed', unknown: undefined }[outcome.state] as HostRecord['status'] | undefined;
    if (status) out.status = status;
    if (out.error && UNCERTAIN.has(out.error.code) && outcome.state !== 'unknown') out.error = { code: out.error.code, message: `${out.error.message}; run ${settledIn} examined the host again: ${describeOutcome(outcome)}` };
  }
  return out;
}

export function describeOutcome(o: HostOutcome): string {
  switch (o.state) {
    case 'applied':
      return 'every change is on the host';
    case 'restored':
      return 'the host is back in the state before the run';
    case 'unchanged':
      return 'nothing took effect; the host shows the state before the run';
    case 'partial':
      return `partially applied: ${o.applied?.length ? o.applied.join(', ') : 'no action'} on the host${o.reason ? ` (${o.reason})` : ''}`;
    case 'unknown':
      return `still unknown: ${o.reason ?? 'the host could not be examined'}`;
  }
}

/**
 * Runs as readers should see them: every settlement a later run recorded (`settles`) applied to the host record it
 * names, marked with the settling run. The ledger stays append-only; the truth about an interrupted run arrives in
 * a later commit and is laid over the earlier record here. Pure; records without settlements are returned as they are.
 */
export function overlaySettlements(runs: RunRecord[]): RunRecord[] {
  const pending = new Map<string, Array<{ s: Settlement; by: string }>>();
  for (const r of runs) for (const s of r.settles ?? []) {
    const list = pending.get(s.run) ?? [];
    list.push({ s, by: r.id });
    pending.set(s.run, list);
  }
  if (!pending.size) return runs;
  return runs.map((r) => {
    const list = pending.get(r.id);
    if (!list) return r;
    let hosts = r.hosts;
    for (const { s, by } of list) hosts = hosts.map((h) => (h.host === s.host ? settleHost(h, s, by) : h));
    return { ...r, hosts };
  });
}

function show(v: string | null | undefined): string {
  return v === null || v === undefined ? '(none)' : v;
}
