import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/** An exception names exactly one scope (host or system) and exactly one subject (remediation or finding). */
export function checkExceptionTargets(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const x of model.exceptions.values()) {
    const at = ctx.locate(x.source.file, '');
    if (Boolean(x.host) === Boolean(x.system)) {
      problems.push(problemAt(at, 'exception-scope', `exception '${x.id}' must name exactly one of 'host' or 'system'`, { hint: 'an exception for several hosts of one system names the system' }));
    }
    if (Boolean(x.remediation) === Boolean(x.finding)) {
      problems.push(problemAt(at, 'exception-subject', `exception '${x.id}' must name exactly one of 'remediation' or 'finding'`, { hint: 'write one exception per remediation or finding' }));
    }
  }
  return problems;
}
