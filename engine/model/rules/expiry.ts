import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/** A date without a time means the whole day, in UTC: "expires: 2024-06-30" is still valid on the 30th. */
export function endOf(date: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T23:59:59.999Z`) : Date.parse(date);
}

/** Warnings, not errors: an expired approval or exception simply stops counting, and a passed deadline needs attention. */
export function checkExpiry(model: Model, ctx: RuleContext): Problem[] {
  const now = ctx.now.getTime();
  const problems: Problem[] = [];
  for (const a of model.approvals.values()) {
    if (a.expires && endOf(a.expires) < now) {
      problems.push(problemAt(ctx.locate(a.source.file, '/expires'), 'approval-expired', `approval '${a.id}' expired on ${a.expires} and no longer counts`, { severity: 'warning', hint: 'renew it with a new approval, or delete it' }));
    }
  }
  for (const x of model.exceptions.values()) {
    if (endOf(x.expires) < now) {
      problems.push(problemAt(ctx.locate(x.source.file, '/expires'), 'exception-expired', `exception '${x.id}' expired on ${x.expires}; its findings count again`, { severity: 'warning', hint: 'review it: renew with a new expiry, or remediate' }));
    }
  }
  const ringCount = model.rings.length;
  for (const r of model.remediations.values()) {
    if (!r.deadline || endOf(r.deadline) >= now) continue;
    const approvedRings = new Set([...model.approvals.values()].filter((a) => a.remediation === r.id).flatMap((a) => a.rings));
    if (approvedRings.size < ringCount) {
      problems.push(problemAt(ctx.locate(r.source.file, '/deadline'), 'deadline-passed', `remediation '${r.id}' passed its deadline ${r.deadline} without approval for every ring`, { severity: 'warning', hint: 'approve it, record an exception, or move the deadline with a reason' }));
    }
  }
  return problems;
}
