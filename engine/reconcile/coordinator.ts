import { admit, RolloutState, thresholdReached, type ClockVerdict, type VerifiedIndex } from '../apply/gate.js';
import { findingId } from '../apply/host.js';
import type { StopState } from '../apply/stop.js';
import type { PlumbError } from '../errors/index.js';
import type { JournalEvent, RingRecord } from '../ledger/types.js';
import type { Model } from '../model/types.js';
import type { PlannedAction } from '../plan/action.js';
import type { Plan, PlanHost } from '../plan/types.js';

/** What the run does next. The executor carries a step out and journals it; the coordinator learns from the journal. */
export type Step =
  | { kind: 'host'; ring: string; host: PlanHost; run: PlannedAction[]; skipped: Array<{ action: PlannedAction; reason: string }> }
  | { kind: 'skip-host'; ring: string; host: PlanHost; reason: string; failure?: { code: string; message: string } }
  | { kind: 'ring-end'; ring: RingRecord }
  /** Hosts are in flight and nothing else may start before they end. */
  | { kind: 'wait' }
  | { kind: 'done' };

export interface CoordinatorOptions {
  /** What to carry out. */
  plan: Plan;
  /** The plan over every host examined (earlier rings too): what the ring gate consults. */
  gatePlan: Plan;
  model: Model;
  /** Everything the ledger verified before, by host and finding. */
  verified: VerifiedIndex;
  /** Remediations refused for this run (an artifact that does not match), with why. */
  refused: Map<string, PlumbError>;
  now: () => Date;
  stop?: StopState;
  /** Hosts whose clock (or the controller's) cannot be trusted: time-dependent decisions are refused there. */
  clock?: (host: string) => ClockVerdict;
}

const actionable = (h: PlanHost) => h.actions.some((a) => a.type !== 'reboot-notify');

/**
 * The ring coordinator, in the style of gitops-engine's sync context: a state derived from the plan, the ledger's
 * verifications and the events of this run, and a `next()` that says what may happen now. It holds nothing the
 * journal does not: `observe` every event of a run (from its start, or from a journal being resumed) and it is back
 * where the run was, so it never hands out a host that already started — a host is applied at most once per run.
 */
export class RingCoordinator {
  private readonly started = new Set<string>();
  private readonly ended = new Set<string>();
  private readonly claimed = new Set<string>();
  private readonly tally = new Map<string, { attempted: number; failed: number; emergency: boolean }>();
  private readonly closed = new Map<string, RingRecord>();
  private readonly intents = new Map<string, Map<string, string>>();
  readonly gate: RolloutState;

  constructor(private readonly o: CoordinatorOptions) {
    this.gate = new RolloutState(o.gatePlan, o.model, o.verified);
  }

  /** The rollout is halted (a ring reached its failure threshold): why, or undefined. */
  get halted(): string | undefined {
    return this.gate.halted;
  }

  get ringRecords(): RingRecord[] {
    return [...this.closed.values()];
  }

  /** Learns from one journal event (in order). */
  observe(e: JournalEvent): void {
    switch (e.t) {
      case 'host-start': {
        const h = e.host.host;
        this.started.add(h);
        this.claimed.add(h);
        this.count(e.host.ring, (t) => t.attempted++);
        this.intents.set(h, new Map(e.host.actions.map((a) => [a.id, findingId(a.finding, a.origin)])));
        if (e.host.actions.some((a) => a.approval?.emergency)) this.count(e.host.ring, (t) => (t.emergency = true));
        break;
      }
      case 'host-skipped':
        this.started.add(e.host);
        this.ended.add(e.host);
        this.claimed.add(e.host);
        if (e.failure) {
          this.count(e.ring, (t) => {
            t.attempted++;
            t.failed++;
          });
          this.checkThreshold(e.ring);
        }
        break;
      case 'verified': {
        const ring = this.ringOf(e.host);
        for (const id of e.verified) {
          const key = this.intents.get(e.host)?.get(id);
          if (ring && key) this.gate.markVerified(ring, key, Date.parse(e.at), e.host);
        }
        break;
      }
      case 'settled': {
        if (e.run) break;
        const ring = this.ringOf(e.host);
        for (const a of e.actions) {
          const key = this.intents.get(e.host)?.get(a.id);
          if (ring && key && a.observed.state === 'after') this.gate.markVerified(ring, key, Date.parse(e.at), e.host);
        }
        break;
      }
      case 'host-end': {
        this.ended.add(e.host);
        const ring = this.ringOf(e.host);
        if (ring && (e.status === 'failed' || e.status === 'restored')) {
          this.count(ring, (t) => t.failed++);
          this.checkThreshold(ring);
        }
        break;
      }
      case 'ring':
        this.closed.set(e.ring.ring, e.ring);
        if (e.ring.status === 'halted' && !this.gate.halted) this.gate.halted = e.ring.reason ?? `rollout halted: ring ${e.ring.ring} reached its failure threshold`;
        break;
      default:
        break;
    }
  }

  /** What may happen now, given the hosts still in flight. */
  next(inFlight: ReadonlySet<string>): Step {
    for (const ring of this.o.model.rings) {
      if (this.closed.has(ring.name)) continue;
      // Hosts that could not be examined come last: their failure counts against the ring, but must not keep the
      // reachable hosts of the same ring from starting (they would have started together).
      const hosts = this.o.plan.hosts.filter((h) => h.ring === ring.name && (h.error || actionable(h))).sort((a, b) => Number(Boolean(a.error)) - Number(Boolean(b.error)));
      if (!hosts.length) continue;
      const blocked = this.gate.halted ?? (this.o.stop?.level ? `the run was stopped (${this.o.stop.reason}) before this host started` : undefined);
      for (const ph of hosts) {
        if (this.claimed.has(ph.host)) continue;
        this.claimed.add(ph.host);
        return this.hostStep(ring.name, ph, blocked);
      }
      if (hosts.some((h) => !this.ended.has(h.host) || inFlight.has(h.host))) return { kind: 'wait' };
      return { kind: 'ring-end', ring: this.ringRecord(ring.name, ring.failure_threshold) };
    }
    return { kind: 'done' };
  }

  private hostStep(ring: string, ph: PlanHost, blocked: string | undefined): Step {
    if (blocked) return { kind: 'skip-host', ring, host: ph, reason: blocked };
    // An unreachable host was not verified: it counts against the ring, or a dead pilot would wave changes on.
    if (ph.error) return { kind: 'skip-host', ring, host: ph, reason: `${ph.error.code}: ${ph.error.message}`, failure: ph.error };
    const host = this.o.model.hosts.get(ph.host)!;
    const run: PlannedAction[] = [];
    const skipped: Array<{ action: PlannedAction; reason: string }> = [];
    const now = this.o.now();
    const clock = this.o.clock?.(ph.host);
    for (const a of ph.actions) {
      const refused = a.origin.kind === 'remediation' ? this.o.refused.get(a.origin.id) : undefined;
      if (refused) {
        skipped.push({ action: a, reason: `${refused.code}: ${refused.message}` });
        continue;
      }
      const verdict = admit(a, host, this.o.model, this.gate, now, clock);
      if (verdict.run) run.push(a);
      else skipped.push({ action: a, reason: verdict.reason });
    }
    if (!run.some((a) => a.type !== 'reboot-notify')) return { kind: 'skip-host', ring, host: ph, reason: summarizeReasons(skipped) };
    return { kind: 'host', ring, host: ph, run, skipped };
  }

  private ringRecord(ring: string, threshold: number | string | undefined): RingRecord {
    const t = this.tally.get(ring) ?? { attempted: 0, failed: 0, emergency: false };
    const halted = thresholdReached(threshold, t.failed, t.attempted);
    if (!t.attempted && (this.gate.halted || this.o.stop?.level)) {
      return { ring, status: 'skipped', reason: this.gate.halted ?? `the run was stopped (${this.o.stop!.reason})`, failed: 0, attempted: 0 };
    }
    return { ring, status: halted ? 'halted' : 'completed', reason: halted ? this.gate.halted : undefined, failed: t.failed, attempted: t.attempted, emergency: t.emergency || undefined };
  }

  private checkThreshold(ring: string): void {
    const t = this.tally.get(ring)!;
    const threshold = this.o.model.rings.find((r) => r.name === ring)?.failure_threshold;
    if (!this.gate.halted && thresholdReached(threshold, t.failed, t.attempted)) {
      this.gate.halted = `rollout halted: ring ${ring} reached its failure threshold (${t.failed} of ${t.attempted} host(s) failed, threshold ${threshold})`;
    }
  }

  private count(ring: string, f: (t: { attempted: number; failed: number; emergency: boolean }) => void): void {
    const t = this.tally.get(ring) ?? { attempted: 0, failed: 0, emergency: false };
    this.tally.set(ring, t);
    f(t);
  }

  private ringOf(host: string): string | undefined {
    return this.o.plan.hosts.find((h) => h.host === host)?.ring ?? this.o.model.hosts.get(host)?.ring;
  }
}

export function summarizeReasons(skipped: Array<{ reason: string }>): string {
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  return reasons.length ? reasons.join('; ') : 'nothing to do';
}
