import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/**
 * Separation of duties: an approval counts only when a board member gave it, and nobody approves their own proposal.
 * The proposer may be written as a member id or as the member's e-mail; both are matched.
 */
export function checkApprovals(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const a of model.approvals.values()) {
    const r = model.remediations.get(a.remediation);
    const member = model.board.get(a.approver);
    if (!r || !member) continue; // reported as dangling references
    const proposer = r.proposed_by.toLowerCase();
    if (proposer === member.id.toLowerCase() || proposer === member.email.toLowerCase()) {
      problems.push(
        problemAt(ctx.locate(a.source.file, '/approver'), 'self-approval', `approval '${a.id}': '${a.approver}' proposed remediation '${r.id}' and cannot also approve it`, {
          hint: 'another board member must approve it',
        }),
      );
    }
    if (a.emergency && !r.emergency) {
      problems.push(
        problemAt(ctx.locate(a.source.file, '/emergency'), 'emergency-mismatch', `approval '${a.id}' is an emergency approval, but remediation '${r.id}' is not marked emergency`, {
          hint: 'mark the remediation `emergency: true` in the same pull request, so reviewers see both',
        }),
      );
    }
  }
  for (const x of model.exceptions.values()) {
    const member = model.board.get(x.approver);
    if (!member) continue;
    const r = x.remediation ? model.remediations.get(x.remediation) : undefined;
    if (r && [member.id.toLowerCase(), member.email.toLowerCase()].includes(r.proposed_by.toLowerCase())) {
      problems.push(problemAt(ctx.locate(x.source.file, '/approver'), 'self-approval', `exception '${x.id}': '${x.approver}' proposed remediation '${r.id}' and cannot also waive it`));
    }
  }
  return problems;
}
