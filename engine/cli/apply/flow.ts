import { readFileSync } from 'node:fs';
import { checkArtifacts } from '../../apply/artifacts.js';
import { acquireLock } from '../../apply/lock.js';
import { executePlan, type RunEvent } from '../../apply/run.js';
import { findingId } from '../../apply/host.js';
import { StalePlan, UsageError } from '../../errors/index.js';
import { factsDigest } from '../../facts/digest.js';
import { gatherAll } from '../../facts/gather.js';
import { recordLatestFacts } from '../../facts/latest.js';
import type { Facts } from '../../facts/types.js';
import { Journal, newRunId, readRuns, recoverJournals, verifiedIndex } from '../../ledger/index.js';
import type { RunKind, RunRecord } from '../../ledger/types.js';
import { readRepoFile } from '../../model/source.js';
import type { Model } from '../../model/types.js';
import { assemblePlan, hasChanges, type HostInput } from '../../plan/assemble.js';
import { renderHuman } from '../../plan/render/human.js';
import { PLAN_FORMAT, type Plan } from '../../plan/types.js';
import { TransportPool } from '../../transport/pool.js';
import { confirmOrThrow, loadValidModel, selectHosts, type HostFilter } from '../common.js';
import { colours } from '../output.js';

export interface FlowOptions {
  repo: string;
  ref?: string;
  filter: HostFilter;
  planFile?: string;
  yes?: boolean;
  json?: boolean;
  concurrency: number;
  kind: RunKind;
}

export interface FlowResult {
  plan: Plan;
  record?: RunRecord;
  ledgerCommit?: string;
  recovered: RunRecord[];
}

/**
 * The write path shared by `plumb apply` and `plumb reconcile`: lock, recover interrupted runs, gather facts,
 * plan (refusing a saved plan that went stale), confirm, check artifacts, execute ring by ring, record.
 */
export async function applyFlow(o: FlowOptions): Promise<FlowResult> {
  const release = acquireLock(o.repo);
  const pool = new TransportPool();
  try {
    const recovered = await recoverJournals(o.repo);
    const saved = o.planFile ? readPlanFile(o.planFile) : undefined;
    const { model, digest } = await loadValidModel(o.repo, saved ? (saved.commit ?? undefined) : o.ref);
    if (saved) refuseStaleState(saved, model, digest, o);

    const selected = saved ? saved.hosts.map((h) => model.hosts.get(h.host)).filter((h) => h !== undefined) : selectHosts(model, o.filter);
    // The gate needs to know whether earlier rings still need a change, so their hosts are examined too.
    const lastRing = Math.max(-1, ...selected.map((h) => model.rings.findIndex((r) => r.name === h.ring)));
    const earlier = [...model.hosts.values()].filter((h) => model.rings.findIndex((r) => r.name === h.ring) < lastRing && !selected.includes(h));
    const examined = [...selected, ...earlier];
    const { facts, errors } = await gatherAll(examined, model, { pool, concurrency: o.concurrency });
    const gatheredAt = new Date();
    keepLatestFacts(o.repo, facts, errors, { at: gatheredAt, commit: model.commit });
    const inputs: HostInput[] = examined.map((h) => {
      const f = facts.get(h.name);
      const e = errors.get(h.name);
      return f ? { host: h.name, facts: f, digest: factsDigest(f) } : { host: h.name, error: { code: e?.code ?? 'E_GATHER', message: e?.message ?? 'no facts' } };
    });
    const runs = await readRuns(o.repo);
    const verified = verifiedIndex(runs);
    const full = assemblePlan(model, inputs, { stateDigest: digest, verified, scope: { ...o.filter, host: Array.isArray(o.filter.host) ? o.filter.host.join(',') : o.filter.host } });
    if (saved) refuseStaleFacts(saved, full);

    // What runs: the selected hosts only; with a saved plan, only actions the reviewer saw in it.
    const reviewed = saved ? new Set(saved.hosts.flatMap((h) => h.actions.map((a) => `${h.host}\u0000${findingId(a.finding, a.origin)}`))) : undefined;
    const plan: Plan = {
      ...full,
      hosts: full.hosts.map((h) => (selected.some((s) => s.name === h.host) ? { ...h, actions: reviewed ? h.actions.filter((a) => reviewed.has(`${h.host}\u0000${findingId(a.finding, a.origin)}`)) : h.actions } : { ...h, actions: [], awaiting: h.awaiting })),
    };
    const gatePlan = full;

    if (!o.json) process.stdout.write(renderHuman({ ...plan, hosts: plan.hosts.filter((h) => selected.some((s) => s.name === h.host)) }));
    if (!hasChanges(plan)) return { plan, recovered };
    const n = plan.hosts.reduce((k, h) => k + h.actions.length, 0);
    await confirmOrThrow(`Apply ${n} action(s) on ${plan.hosts.filter((h) => h.actions.length).length} host(s)?`, o.yes);

    const remediations = plan.hosts.flatMap((h) => h.actions.flatMap((a) => (a.origin.kind === 'remediation' ? [a.origin.id] : [])));
    const { ok, refused } = await checkArtifacts(model, (p) => readRepoFile(o.repo, model.commit, p), remediations);
    for (const r of refused.values()) process.stderr.write(`${colours(process.stderr).red('refused:')} ${r.message}\n`);

    const c = colours();
    const after = new Map<string, Facts>();
    const onEvent = o.json ? undefined : (e: RunEvent) => process.stdout.write(`${describeEvent(e, c)}\n`);
    const { record, ledgerCommit } = await executePlan({
      ledger: { newRunId, begin: (root, start) => Journal.begin(root, start) },
      repoRoot: o.repo,
      model,
      plan: { ...plan, hosts: plan.hosts.filter((h) => selected.some((s) => s.name === h.host)) },
      gatePlan,
      facts,
      pool,
      kind: o.kind,
      ref: o.ref,
      verified,
      artifacts: ok,
      refused,
      concurrency: o.concurrency,
      onEvent,
      onHostFacts: (host, f) => after.set(host, f),
    });
    if (after.size) keepLatestFacts(o.repo, after, new Map(), { at: gatheredAt, commit: model.commit });
    return { plan, record, ledgerCommit, recovered };
  } finally {
    await pool.closeAll();
    release();
  }
}

/** The newest facts for `plumb serve` (.plumb/facts/latest.json); failing to keep them never stops a run. */
function keepLatestFacts(...args: Parameters<typeof recordLatestFacts>): void {
  try {
    recordLatestFacts(...args);
  } catch (e) {
    process.stderr.write(`${colours(process.stderr).yellow('warning:')} could not keep the latest facts in .plumb/facts: ${(e as Error).message}\n`);
  }
}

function readPlanFile(path: string): Plan {
  let plan: Plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (e) {
    throw new UsageError(`cannot read the plan ${path}: ${(e as Error).message}`, 'make one with `plumb plan --out plan.json`');
  }
  if (plan?.format !== PLAN_FORMAT || !Array.isArray(plan.hosts)) throw new UsageError(`${path} is not a plumb plan (format ${PLAN_FORMAT})`);
  return plan;
}

function refuseStaleState(saved: Plan, model: Model, digest: string, o: FlowOptions): void {
  const reasons: string[] = [];
  if (o.ref && saved.commit && o.ref !== saved.commit) reasons.push(`the plan is for commit ${saved.commit.slice(0, 12)}, not ${o.ref}`);
  if (saved.commit !== model.commit) reasons.push(`the desired state moved from ${saved.commit?.slice(0, 12) ?? 'the working tree'} to ${model.commit?.slice(0, 12) ?? 'the working tree'}`);
  if (saved.stateDigest && saved.stateDigest !== digest) reasons.push('the desired-state files changed since the plan was made');
  if (reasons.length) throw new StalePlan(reasons);
}

function refuseStaleFacts(saved: Plan, fresh: Plan): void {
  const now = new Map(fresh.hosts.map((h) => [h.host, h.factsDigest]));
  const moved = saved.hosts.filter((h) => h.factsDigest !== now.get(h.host)).map((h) => h.host);
  if (moved.length) throw new StalePlan([`the real state of ${moved.length} host(s) changed since the plan was made: ${moved.slice(0, 8).join(', ')}${moved.length > 8 ? ', …' : ''}`]);
}

function describeEvent(e: RunEvent, c: ReturnType<typeof colours>): string {
  switch (e.kind) {
    case 'ring-start':
      return c.bold(`\n▶ ring ${e.ring}`);
    case 'host-start':
      return c.dim(`  … ${e.host}`);
    case 'host-end': {
      const mark = e.status === 'changed' || e.status === 'unchanged' ? c.green('✓') : e.status === 'skipped' ? c.yellow('⏸') : c.red('✗');
      return `  ${mark} ${e.host}: ${e.status}${e.detail ? c.dim(` — ${e.detail}`) : ''}`;
    }
    case 'ring-end':
      return e.status === 'halted' ? c.red(`■ ${e.detail}`) : e.status === 'skipped' ? c.yellow(`⏸ ring ${e.ring} not started: ${e.detail}`) : c.dim(`  ring ${e.ring} ${e.status}`);
  }
}
