import type { Model, HostEntry } from '../model/types.js';
import type { PlannedAction } from '../plan/action.js';
import type { Plan } from '../plan/types.js';
import { findingId } from './host.js';
import { inWindow, nextOpening } from './windows.js';
import type { Origin } from '../diff/types.js';

/** Per host, per finding key: the last run that verified it fixed (engine/ledger's verifiedIndex). */
export type VerifiedIndex = Map<string, Map<string, { run: string; verifiedAt: string; origin: Origin }>>;

/** Seconds of a schema Duration: 30m, 24h, 1d12h, or a bare number of seconds. */
export function durationMs(d: string | number | undefined): number {
  if (d === undefined) return 0;
  if (typeof d === 'number') return d * 1000;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total * 1000;
}

/** What the rollout knows about each ring while it runs: which changes are still open there, and when each was last verified. */
export class RolloutState {
  readonly open = new Map<string, Map<string, Set<string>>>();
  readonly verifiedAt = new Map<string, Map<string, number>>();
  halted?: string;

  /** From the plan (what is open now) and the ledger (what was verified when, by host). */
  constructor(plan: Plan, model: Model, verified: VerifiedIndex) {
    for (const h of plan.hosts) {
      const keys = [...h.actions.map((a) => findingId(a.finding, a.origin)), ...h.awaiting.map((w) => findingId(w.finding, { kind: 'remediation', id: w.remediation, severity: 'low', emergency: false }))];
      for (const k of keys) this.markOpen(h.ring, k, h.host);
    }
    for (const [host, byKey] of verified) {
      const ring = model.hosts.get(host)?.ring;
      if (!ring) continue;
      for (const [key, v] of byKey) this.markVerified(ring, findingId(key, v.origin), Date.parse(v.verifiedAt));
    }
  }

  markOpen(ring: string, key: string, host: string): void {
    const byKey = this.open.get(ring) ?? new Map<string, Set<string>>();
    this.open.set(ring, byKey);
    byKey.set(key, (byKey.get(key) ?? new Set()).add(host));
  }

  markVerified(ring: string, key: string, at: number, host?: string): void {
    const m = this.verifiedAt.get(ring) ?? new Map<string, number>();
    this.verifiedAt.set(ring, m);
    m.set(key, Math.max(m.get(key) ?? 0, at));
    if (host) {
      const hosts = this.open.get(ring)?.get(key);
      hosts?.delete(host);
      if (hosts && !hosts.size) this.open.get(ring)!.delete(key);
    }
  }
}

export type Admission = { run: true } | { run: false; reason: string };

/** Whether the clocks can be trusted for a host: `skew` says why not (the controller's or the host's clock is off). */
export type ClockVerdict = { ok: true } | { ok: false; skew: string };

/**
 * Whether admitting an action depends on the time: an approval (its start, expiry, window), an exception that names
 * it, a maintenance window, or an earlier ring's soak. Such decisions are refused while the clocks disagree.
 */
export function timeDependent(a: PlannedAction, host: HostEntry, model: Model): boolean {
  if (a.approval) return true;
  if (host.window || model.systems.get(host.system)?.window) return true;
  const myRing = model.rings.findIndex((r) => r.name === host.ring);
  if (model.rings.slice(0, Math.max(0, myRing)).some((r) => durationMs(r.soak) > 0)) return true;
  for (const x of model.exceptions.values()) {
    if (x.host !== host.name && x.system !== host.system) continue;
    if (x.finding === a.finding || (a.origin.kind === 'remediation' && x.remediation === a.origin.id)) return true;
  }
  return false;
}

/**
 * Whether one action may run now: every earlier ring must have finished this change (no host there still needs
 * it) and soaked since its last verification there, and the host must be inside its maintenance window. An
 * emergency approval bypasses windows and soak — never the order of rings or a halted rollout. While the clocks
 * disagree (`clock`), nothing whose admission depends on the time runs.
 */
export function admit(a: PlannedAction, host: HostEntry, model: Model, state: RolloutState, now: Date, clock?: ClockVerdict): Admission {
  if (state.halted) return { run: false, reason: state.halted };
  if (clock && !clock.ok && timeDependent(a, host, model)) return { run: false, reason: `refused while the clocks disagree: ${clock.skew}` };
  const emergency = Boolean(a.approval?.emergency);
  const key = findingId(a.finding, a.origin);
  const myRing = model.rings.findIndex((r) => r.name === host.ring);
  for (const ring of model.rings.slice(0, Math.max(0, myRing))) {
    const waiting = state.open.get(ring.name)?.get(key);
    if (waiting?.size) return { run: false, reason: `waiting for ring ${ring.name}: ${waiting.size} host(s) there still need this change` };
    const last = state.verifiedAt.get(ring.name)?.get(key);
    const soak = durationMs(ring.soak);
    if (last !== undefined && soak > 0 && now.getTime() - last < soak && !emergency) {
      return { run: false, reason: `ring ${ring.name} is soaking until ${new Date(last + soak).toISOString()}` };
    }
  }
  const windowName = a.approval?.window ?? host.window ?? model.systems.get(host.system)?.window;
  const window = windowName ? model.windows.get(windowName) : undefined;
  if (window && !emergency && !inWindow(window, now)) {
    const next = nextOpening(window, now);
    return { run: false, reason: `outside maintenance window ${window.name}${next ? ` (opens ${next.toISOString()})` : ''}` };
  }
  return { run: true };
}

/** Failed hosts at which a ring halts the rollout: a count (1 = the first failure) or a share of the hosts attempted. */
export function thresholdReached(threshold: number | string | undefined, failed: number, attempted: number): boolean {
  if (failed === 0) return false;
  if (threshold === undefined) return false;
  if (typeof threshold === 'number') return failed >= Math.max(1, threshold);
  const pct = Number(threshold.replace('%', ''));
  return attempted > 0 && (failed / attempted) * 100 >= pct;
}
