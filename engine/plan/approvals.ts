import { formatProvenance } from '../model/problem.js';
import { endOf } from '../model/rules/expiry.js';
import type { HostEntry, Model } from '../model/types.js';
import type { ApprovalRef } from './action.js';

export type ApprovalVerdict = { approved: ApprovalRef } | { awaiting: string };

/**
 * Whether the board let a remediation reach a host's ring. Only approvals that would pass `plumb validate` count:
 * the approver must be on the board and must not be the proposer — the plan re-checks rather than trusting that
 * validation ran, because "nothing unapproved is ever applied" must not depend on the order of commands.
 */
export function approvalFor(model: Model, remediationId: string, host: HostEntry, now: Date): ApprovalVerdict {
  // The verdict depends on the remediation, the ring and the clock only: thousands of hosts share it.
  let perModel = verdicts.get(model);
  if (!perModel || perModel.now !== now.getTime()) verdicts.set(model, (perModel = { now: now.getTime(), byKey: new Map() }));
  const key = `${remediationId}\u0000${host.ring}`;
  let v = perModel.byKey.get(key);
  if (!v) perModel.byKey.set(key, (v = decide(model, remediationId, host, now)));
  return v;
}

const verdicts = new WeakMap<Model, { now: number; byKey: Map<string, ApprovalVerdict> }>();

function decide(model: Model, remediationId: string, host: HostEntry, now: Date): ApprovalVerdict {
  const r = model.remediations.get(remediationId);
  if (!r) return { awaiting: `remediation ${remediationId} is not in the desired state` };
  const candidates = approvalsOf(model).get(remediationId) ?? [];
  if (!candidates.length) return { awaiting: 'no approval' };
  const forRing = candidates.filter((a) => a.rings.includes(host.ring));
  if (!forRing.length) return { awaiting: `approved for ${[...new Set(candidates.flatMap((a) => a.rings))].join(', ')}, not for ring ${host.ring}` };
  let why = '';
  for (const a of forRing) {
    const member = model.board.get(a.approver);
    if (!member) {
      why = `approval ${a.id}: ${a.approver} is not on the board`;
      continue;
    }
    const proposer = r.proposed_by.toLowerCase();
    if (proposer === member.id.toLowerCase() || proposer === member.email.toLowerCase()) {
      why = `approval ${a.id}: the proposer cannot approve`;
      continue;
    }
    if (a.expires && endOf(a.expires) < now.getTime()) {
      why = `approval ${a.id} expired on ${a.expires}`;
      continue;
    }
    if (Date.parse(a.date.length === 10 ? `${a.date}T00:00:00Z` : a.date) > now.getTime()) {
      why = `approval ${a.id} takes effect on ${a.date}`;
      continue;
    }
    return { approved: { id: a.id, ticket: a.ticket, approver: a.approver, emergency: Boolean(a.emergency), window: a.window, source: formatProvenance(a.source) } };
  }
  return { awaiting: why };
}

const byRemediation = new WeakMap<Model, Map<string, Model['approvals'] extends Map<string, infer A> ? A[] : never>>();

/** Approvals grouped by remediation, once per model: the planner asks for every finding of every host. */
function approvalsOf(model: Model) {
  let m = byRemediation.get(model);
  if (!m) {
    m = new Map();
    for (const a of model.approvals.values()) m.set(a.remediation, [...(m.get(a.remediation) ?? []), a]);
    byRemediation.set(model, m);
  }
  return m;
}
