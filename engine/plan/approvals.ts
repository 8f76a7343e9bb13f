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
  const r = model.remediations.get(remediationId);
  if (!r) return { awaiting: `remediation ${remediationId} is not in the desired state` };
  const candidates = [...model.approvals.values()].filter((a) => a.remediation === remediationId);
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
