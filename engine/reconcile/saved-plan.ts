import { readFileSync, statSync } from 'node:fs';
import { findingId } from '../apply/host.js';
import { PlanMismatch, StalePlan, UsageError } from '../errors/index.js';
import { planDifferences } from '../plan/compare.js';
import type { Model } from '../model/types.js';
import { PLAN_FORMAT, type Plan } from '../plan/types.js';

/** A saved plan is a file anyone may have edited: read with a size limit, and never quoted back in an error. */
const MAX_PLAN_BYTES = 256 * 2 ** 20;

/** A plan saved with `plumb plan --out`: compared with a fresh plan and used as an allow-list, never executed as written. */
export function readPlanFile(path: string): Plan {
  let plan: Plan;
  try {
    if (statSync(path).size > MAX_PLAN_BYTES) throw new Error(`larger than ${MAX_PLAN_BYTES / 2 ** 20} MiB`);
    plan = JSON.parse(readFileSync(path, 'utf8')) as Plan;
  } catch (e) {
    const why = e instanceof SyntaxError ? 'not JSON' : ((e as NodeJS.ErrnoException).code ?? (e as Error).message);
    throw new UsageError(`cannot read the plan ${path}: ${why}`, 'make one with `plumb plan --out plan.json`');
  }
  if (plan?.format !== PLAN_FORMAT || !Array.isArray(plan.hosts)) throw new UsageError(`${path} is not a plumb plan (format ${PLAN_FORMAT})`);
  return plan;
}

export function refuseStaleState(saved: Plan, model: Model, digest: string, ref: string | undefined): void {
  const reasons: string[] = [];
  if (ref && saved.commit && ref !== saved.commit) reasons.push(`the plan is for commit ${saved.commit.slice(0, 12)}, not ${ref}`);
  if (saved.commit !== model.commit) reasons.push(`the desired state moved from ${saved.commit?.slice(0, 12) ?? 'the working tree'} to ${model.commit?.slice(0, 12) ?? 'the working tree'}`);
  if (saved.stateDigest && saved.stateDigest !== digest) reasons.push('the desired-state files changed since the plan was made');
  if (reasons.length) throw new StalePlan(reasons);
}

export function refuseStaleFacts(saved: Plan, fresh: Plan): void {
  const now = new Map(fresh.hosts.map((h) => [h.host, h.factsDigest]));
  const moved = saved.hosts.filter((h) => h.factsDigest !== now.get(h.host)).map((h) => h.host);
  if (moved.length) throw new StalePlan([`the real state of ${moved.length} host(s) changed since the plan was made: ${moved.slice(0, 8).join(', ')}${moved.length > 8 ? ', …' : ''}`]);
}

/**
 * Same commit, same facts: the fresh plan must be the saved one, action by action. A difference means the file was
 * edited (or an approval expired since): what would run is not what was reviewed, so nothing runs, and plumb says
 * what differs. Silently running the fresh plan instead would make the review meaningless.
 */
export function refuseDifferentPlan(path: string, saved: Plan, fresh: Plan): void {
  const differences = planDifferences(saved, fresh);
  if (differences.length) throw new PlanMismatch(path, differences);
}

/** The keys of the actions a reviewer saw in a saved plan: host and finding (with its origin). */
export function reviewedActions(saved: Plan): Set<string> {
  return new Set(saved.hosts.flatMap((h) => h.actions.map((a) => `${h.host}\u0000${findingId(a.finding, a.origin)}`)));
}
