import { hostname, userInfo } from 'node:os';
import type { CheckedArtifact } from '../apply/artifacts.js';
import { runHostStep, type HostStepOptions } from '../apply/boundary.js';
import type { ClockVerdict, VerifiedIndex } from '../apply/gate.js';
import type { StopState } from '../apply/stop.js';
import type { PlumbError } from '../errors/index.js';
import type { Facts } from '../facts/types.js';
import type { JournalOwner } from '../ledger/journal-format.js';
import { currentOwner } from '../ledger/owner.js';
import type { Incident, JournalEvent, RunKind, RunRecord, RunStatus } from '../ledger/types.js';
import type { Model } from '../model/types.js';
import type { ApprovalRef } from '../plan/action.js';
import type { Plan } from '../plan/types.js';
import type { TransportPool } from '../transport/pool.js';
import { RingCoordinator } from './coordinator.js';

export interface RunEvent {
  kind: 'ring-start' | 'host-start' | 'host-end' | 'ring-end';
  ring: string;
  host?: string;
  status?: string;
  detail?: string;
}

/** An open journal: events are durable when append returns; finish records the run. */
export interface RunJournal {
  readonly runId?: string;
  append(e: JournalEvent): void;
  finish(status: RunStatus, reason?: string): Promise<{ commit: string; record: RunRecord }>;
}

/** The ledger as this module needs it (engine/ledger provides it; rehearse keeps one in memory). */
export interface LedgerPort {
  newRunId(now: Date): string;
  begin(repoRoot: string, start: Extract<JournalEvent, { t: 'run-start' }>): Promise<RunJournal>;
}

export interface ExecuteOptions {
  ledger: LedgerPort;
  repoRoot: string;
  model: Model;
  /** What to carry out. */
  plan: Plan;
  /** The plan over every host examined (earlier rings too): what the ring gate consults. Defaults to plan. */
  gatePlan?: Plan;
  /** Facts gathered for this run, by host (the plan was checked against their digests). */
  facts: Map<string, Facts>;
  pool: TransportPool;
  kind: RunKind;
  ref?: string;
  /** A rebuild's incident, recorded with the run (RunRecord.incident). */
  incident?: Incident;
  /** Everything the ledger verified before, by host and finding: gates rings (soak) and marks regressions. */
  verified: VerifiedIndex;
  /** Artifacts already checked against their sha256, and remediations refused because one did not match. */
  artifacts: CheckedArtifact[];
  refused: Map<string, PlumbError>;
  concurrency?: number;
  now?: () => Date;
  onEvent?: (e: RunEvent) => void;
  /** The facts a host's verification gathered after its changes (the newest known state of the host). */
  onHostFacts?: (host: string, facts: Facts) => void;
  stop?: StopState;
  clock?: (host: string) => ClockVerdict;
  /** A journal begun already (the caller recorded settlements in it first); else one is begun here. */
  journal?: RunJournal & { runId: string };
  /** Events of this run so far (a resumed journal): the coordinator starts from them and never repeats a host. */
  history?: JournalEvent[];
  host?: Pick<HostStepOptions, 'reconnectWindowMs' | 'lockWaitSeconds' | 'hostLeaseSeconds'> & { stateDir?: string };
  /** Called once the run has its id (the caller's lease names it). */
  onRun?: (runId: string) => void;
}

/** The run-start event of a run, as every journal begins. */
export function runStart(o: { runId: string; kind: RunKind; plan: Plan; ref?: string; now: Date; incident?: Incident }): Extract<JournalEvent, { t: 'run-start' }> {
  const approvals = uniqueApprovals(o.plan.hosts.flatMap((h) => h.actions.flatMap((a) => (a.approval ? [a.approval] : []))));
  return {
    t: 'run-start',
    at: o.now.toISOString(),
    run: { id: o.runId, kind: o.kind, startedAt: o.now.toISOString(), commit: o.plan.commit, ref: o.ref, factsDigest: o.plan.factsDigest, approvals, operator: { user: safeUser(), hostname: hostname() }, ...(o.incident ? { incident: o.incident } : {}) },
  };
}

/**
 * Carries out a plan ring by ring, one step at a time as the coordinator hands them out: hosts of a ring run
 * concurrently, each inside its own error boundary; the next ring starts when the gate lets each change through; a
 * ring that reaches its failure threshold halts everything after it. A stop request starts nothing new and lets the
 * hosts in flight finish. The journal is finished only when no host work is in flight, whatever happened.
 */
export async function executePlan(o: ExecuteOptions): Promise<{ record: RunRecord; ledgerCommit: string }> {
  const now = o.now ?? (() => new Date());
  let journal: RunJournal & { runId: string };
  if (o.journal) journal = o.journal;
  else {
    const runId = o.ledger.newRunId(now());
    const begun = await o.ledger.begin(o.repoRoot, runStart({ runId, kind: o.kind, plan: o.plan, ref: o.ref, now: now(), incident: o.incident }));
    journal = Object.assign(begun, { runId });
  }
  o.onRun?.(journal.runId);
  const coord = new RingCoordinator({ plan: o.plan, gatePlan: o.gatePlan ?? o.plan, model: o.model, verified: o.verified, refused: o.refused, now, stop: o.stop, clock: o.clock });
  for (const e of o.history ?? []) coord.observe(e);
  const append = (e: JournalEvent) => {
    journal.append(e);
    coord.observe(e);
  };
  const controller: JournalOwner = currentOwner();
  const hostOptions: HostStepOptions = {
    runId: journal.runId,
    model: o.model,
    pool: o.pool,
    journal: { append },
    artifacts: o.artifacts,
    now,
    stop: o.stop,
    controller,
    ownerLine: `run ${journal.runId} of ${controller.hostname} (pid ${controller.pid}${o.host?.stateDir ? `, ${o.host.stateDir}` : ''})`,
    ...o.host,
  };
  const concurrency = Math.max(1, o.concurrency ?? 8);
  const inFlight = new Map<string, Promise<void>>();
  const ringsAnnounced = new Set<string>();
  let error: unknown;
  try {
    for (;;) {
      if (error) break;
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight.values());
        continue;
      }
      const step = coord.next(new Set(inFlight.keys()));
      if (step.kind === 'done') break;
      if (step.kind === 'wait') {
        await Promise.race(inFlight.values());
        continue;
      }
      if (step.kind === 'ring-end') {
        append({ t: 'ring', at: now().toISOString(), ring: step.ring });
        o.onEvent?.({ kind: 'ring-end', ring: step.ring.ring, status: step.ring.status, detail: step.ring.reason });
        continue;
      }
      if (!ringsAnnounced.has(step.ring)) {
        ringsAnnounced.add(step.ring);
        if (step.kind === 'host') o.onEvent?.({ kind: 'ring-start', ring: step.ring });
      }
      if (step.kind === 'skip-host') {
        append({ t: 'host-skipped', at: now().toISOString(), host: step.host.host, system: step.host.system, ring: step.ring, reason: step.reason, ...(step.failure ? { failure: step.failure } : {}) });
        o.onEvent?.({ kind: 'host-end', ring: step.ring, host: step.host.host, status: 'skipped', detail: step.reason });
        continue;
      }
      const { host: ph, ring, run, skipped } = step;
      const host = o.model.hosts.get(ph.host)!;
      o.onEvent?.({ kind: 'host-start', ring, host: ph.host });
      const work = runHostStep(hostOptions, host, o.facts.get(ph.host)!, run, skipped).then(
        (r) => {
          if (r.facts) o.onHostFacts?.(ph.host, r.facts);
          o.onEvent?.({ kind: 'host-end', ring, host: ph.host, status: r.status, detail: r.detail });
        },
        (e: unknown) => {
          // Only the journal itself failing gets here: stop starting hosts, let the others end, then give up.
          error ??= e;
        },
      );
      inFlight.set(ph.host, work.finally(() => inFlight.delete(ph.host)));
    }
  } catch (e) {
    error ??= e;
  }
  // The run never ends while a host is still being worked on: its record would miss what that host does.
  await Promise.allSettled([...inFlight.values()]);
  if (error) {
    await journal.finish('failed', (error as Error)?.message).catch(() => undefined);
    throw error;
  }
  const status: RunStatus = o.stop?.level ? 'stopped' : coord.halted ? 'halted' : 'completed';
  const { record, commit } = await journal.finish(status, o.stop?.level ? `stopped by ${o.stop.reason}` : undefined);
  return { record, ledgerCommit: commit };
}

function uniqueApprovals(list: ApprovalRef[]): ApprovalRef[] {
  return [...new Map(list.map((a) => [a.id, a])).values()];
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
