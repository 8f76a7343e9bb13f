import { checkArtifacts } from '../apply/artifacts.js';
import { StopState } from '../apply/stop.js';
import { InvalidDesiredState, PlumbError } from '../errors/index.js';
import { factsDigest } from '../facts/digest.js';
import { gatherAll } from '../facts/gather.js';
import { recordLatestFacts } from '../facts/latest.js';
import type { Facts } from '../facts/types.js';
import { Journal, newRunId, readRuns, recoverJournals, verifiedIndex } from '../ledger/index.js';
import type { Incident, RunKind, RunRecord } from '../ledger/types.js';
import { loadRepository } from '../model/load.js';
import type { Problem } from '../model/problem.js';
import { selectHosts, type HostFilter } from '../model/select.js';
import { readRepoFile } from '../model/source.js';
import { assemblePlan, hasChanges, type HostInput } from '../plan/assemble.js';
import type { Plan } from '../plan/types.js';
import type { ConnectOptions } from '../transport/index.js';
import { TransportPool } from '../transport/pool.js';
import { checkClocks, DEFAULT_MAX_SKEW_MS } from './clock.js';
import { commitTime } from './commit-time.js';
import { executePlan, runStart, type LedgerPort, type RunEvent, type RunJournal } from './execute.js';
import { RunLease } from '../ledger/lease.js';
import { readPlanFile, refuseDifferentPlan, refuseStaleFacts, refuseStaleState, reviewedActions } from './saved-plan.js';
import { settleEarlier } from './settle-earlier.js';
import { findingId } from '../apply/host.js';

/** What the engine tells the person or script running it. Every member is optional: a silent run is a valid run. */
export interface ReconcileOutput {
  /** The desired state does not validate: every problem, before the run gives up. */
  problems?(problems: Problem[]): void;
  /** The plan as it will be carried out (selected hosts only). */
  plan?(plan: Plan): void;
  /** Something to know: a refused artifact, disagreeing clocks, an earlier outcome settled, a stop request. */
  notice?(message: string): void;
  /** Progress of the run, ring by ring and host by host. */
  event?(e: RunEvent): void;
}

export interface ReconcilePorts {
  output?: ReconcileOutput;
  /** Asked before hosts are changed; false cancels. Absent: no question (for reconcile, the merge is the confirmation). */
  confirm?(question: string): Promise<boolean>;
  /** Stop requests (the CLI wires SIGINT and SIGTERM to it). */
  stop?: StopState;
}

export interface ReconcileOptions {
  repo: string;
  ref?: string;
  filter: HostFilter;
  /** A saved plan: an allow-list of actions, refused when stale. */
  planFile?: string;
  concurrency: number;
  kind: RunKind;
  /** plumb rebuild: this quarantined host is planned for (its baseline from scratch), and the incident recorded. */
  rebuilding?: { host: string; incident: Incident };
  connect?: ConnectOptions;
  /** Seconds to wait for package-manager locks, a busy host, or a transaction still running from an earlier run. */
  lockWaitSeconds?: number;
  /** How long a broken connection is tried again before the host's outcome is left to the next contact. */
  reconnectWindowMs?: number;
  maxClockSkewMs?: number;
  ledger?: LedgerPort;
}

export interface ReconcileResult {
  plan: Plan;
  record?: RunRecord;
  ledgerCommit?: string;
  recovered: RunRecord[];
  /** Hosts of earlier runs whose outcome this run recorded at first contact. */
  settled: Array<{ run: string; host: string; state: string }>;
}

const defaultLedger: LedgerPort = { newRunId, begin: (root, start) => Journal.begin(root, start) };

/**
 * The write path of `plumb apply` and `plumb reconcile`: take the lease, recover interrupted runs, load and check
 * the desired state, gather facts, record the truth about hosts an earlier run left open, check the clocks, plan
 * (refusing a saved plan that went stale), confirm, check artifacts, execute ring by ring, record. Output and
 * confirmation are ports; nothing here writes to a terminal.
 */
export async function reconcile(o: ReconcileOptions, ports: ReconcilePorts = {}): Promise<ReconcileResult> {
  const out = ports.output ?? {};
  const stop = ports.stop ?? new StopState();
  const lease = RunLease.acquire(o.repo, { purpose: o.kind, onLost: () => stop.level ?? stop.request('the run lease was taken over by another process') });
  const pool = new TransportPool(o.connect);
  const ledger = o.ledger ?? defaultLedger;
  const lockWaitSeconds = o.lockWaitSeconds ?? 120;
  try {
    const recovered = await recoverJournals(o.repo);
    const saved = o.planFile ? readPlanFile(o.planFile) : undefined;
    const loaded = await loadRepository(o.repo, saved ? (saved.commit ?? undefined) : o.ref);
    const errors = loaded.problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      out.problems?.(errors);
      throw new InvalidDesiredState(errors.length, { problems: errors });
    }
    const { model, digest } = loaded;
    if (saved) refuseStaleState(saved, model, digest, o.ref);

    const selected = saved ? saved.hosts.map((h) => model.hosts.get(h.host)).filter((h) => h !== undefined) : selectHosts(model, o.filter);
    // The gate needs to know whether earlier rings still need a change, so their hosts are examined too.
    const lastRing = Math.max(-1, ...selected.map((h) => model.rings.findIndex((r) => r.name === h.ring)));
    const earlier = [...model.hosts.values()].filter((h) => model.rings.findIndex((r) => r.name === h.ring) < lastRing && !selected.includes(h));
    const examined = [...selected, ...earlier];
    const from = Date.now();
    const { facts, errors: unreachable } = await gatherAll(examined, model, { pool, concurrency: o.concurrency });
    const gatheredAt = new Date();
    const keepLatest = (f: ReadonlyMap<string, Facts>, e: ReadonlyMap<string, { code: string; message: string }>) => {
      // The newest facts for `plumb serve` (.plumb/facts/latest.json); failing to keep them never stops a run.
      try {
        recordLatestFacts(o.repo, f, e, { at: gatheredAt, commit: model.commit });
      } catch (err) {
        out.notice?.(`could not keep the latest facts in .plumb/facts: ${(err as Error).message}`);
      }
    };
    keepLatest(facts, unreachable);
    const runs = await readRuns(o.repo);

    // First contact since an earlier run lost sight of a host: what did it really do there?
    const settles = await settleEarlier({ runs, hosts: examined, facts, model, pool, now: () => new Date(), waitMs: lockWaitSeconds * 1000, stop });
    const to = Date.now();
    for (const s of settles) out.notice?.(`run ${s.run} on ${s.host}: ${s.outcome.state}${s.outcome.reason ? ` (${s.outcome.reason})` : ''} — recorded now, at the first contact since`);

    const clocks = checkClocks({ facts, from, to, commitTime: model.commit ? await commitTime(o.repo, model.commit) : null, maxSkewMs: o.maxClockSkewMs ?? DEFAULT_MAX_SKEW_MS });
    for (const n of clocks.notices) out.notice?.(n);

    const inputs: HostInput[] = examined.map((h) => {
      const f = facts.get(h.name);
      const e = unreachable.get(h.name);
      return f ? { host: h.name, facts: f, digest: factsDigest(f) } : { host: h.name, error: { code: e?.code ?? 'E_GATHER', message: e?.message ?? 'no facts' } };
    });
    const verified = verifiedIndex(runs);
    const full = assemblePlan(model, inputs, { stateDigest: digest, verified, rebuilding: o.rebuilding?.host, scope: { ...o.filter, host: Array.isArray(o.filter.host) ? o.filter.host.join(',') : o.filter.host } });
    if (saved) {
      refuseStaleFacts(saved, full);
      refuseDifferentPlan(o.planFile!, saved, full);
    }

    // What runs: the selected hosts only; with a saved plan, only actions the reviewer saw in it.
    const reviewed = saved ? reviewedActions(saved) : undefined;
    const isSelected = (name: string) => selected.some((s) => s.name === name);
    const plan: Plan = {
      ...full,
      hosts: full.hosts.map((h) => (isSelected(h.host) ? { ...h, actions: reviewed ? h.actions.filter((a) => reviewed.has(`${h.host}\u0000${findingId(a.finding, a.origin)}`)) : h.actions } : { ...h, actions: [], awaiting: h.awaiting })),
    };
    const shown = { ...plan, hosts: plan.hosts.filter((h) => isSelected(h.host)) };
    out.plan?.(shown);
    const changes = hasChanges(plan) && !stop.level;
    const settledList = settles.map((s) => ({ run: s.run!, host: s.host, state: s.outcome.state }));
    // A rebuild is recorded even when the rebuilt host needs nothing: the run carries the incident it closes.
    if (!changes && !settles.length && !o.rebuilding) return { plan, recovered, settled: settledList };
    if (changes && ports.confirm) {
      const n = plan.hosts.reduce((k, h) => k + h.actions.length, 0);
      if (!(await ports.confirm(`Apply ${n} action(s) on ${plan.hosts.filter((h) => h.actions.length).length} host(s)?`))) throw new PlumbError('E_CANCELLED', 'nothing was changed');
    }

    const now = () => new Date();
    const runId = ledger.newRunId(now());
    const journal: RunJournal & { runId: string } = Object.assign(await ledger.begin(o.repo, runStart({ runId, kind: o.kind, plan: shown, ref: o.ref, now: now(), incident: o.rebuilding?.incident })), { runId });
    lease.setRun(runId);
    for (const s of settles) journal.append(s);
    if (!changes) {
      const { record, commit } = await journal.finish(stop.level ? 'stopped' : 'completed', stop.level ? `stopped by ${stop.reason}` : undefined);
      return { plan, record, ledgerCommit: commit, recovered, settled: settledList };
    }

    const remediations = plan.hosts.flatMap((h) => h.actions.flatMap((a) => (a.origin.kind === 'remediation' ? [a.origin.id] : [])));
    const { ok, refused } = await checkArtifacts(model, (p) => readRepoFile(o.repo, model.commit, p), remediations);
    for (const r of refused.values()) out.notice?.(`refused: ${r.message}`);

    const after = new Map<string, Facts>();
    const { record, ledgerCommit } = await executePlan({
      ledger,
      repoRoot: o.repo,
      model,
      plan: shown,
      gatePlan: full,
      facts,
      pool,
      kind: o.kind,
      ...(o.rebuilding ? { incident: o.rebuilding.incident } : {}),
      ref: o.ref,
      verified,
      artifacts: ok,
      refused,
      concurrency: o.concurrency,
      onEvent: out.event,
      stop,
      clock: clocks.verdict,
      journal,
      host: { reconnectWindowMs: o.reconnectWindowMs, lockWaitSeconds, stateDir: o.repo },
      onHostFacts: (host, f) => after.set(host, f),
    });
    if (after.size) keepLatest(after, new Map());
    return { plan, record, ledgerCommit, recovered, settled: settledList };
  } finally {
    await pool.closeAll();
    lease.release();
  }
}
