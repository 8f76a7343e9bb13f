import { definitionExpr, simplify } from './criteria.js';
import type { DataStream } from './datastream.js';
import { packageTest } from './mappers/package.js';
import { testKind } from './oval.js';
import type { XccdfRule } from './xccdf.js';

export type RulePlatforms = { appliesIf: string[]; notes: string[] } | { reason: string };

/**
 * A rule's XCCDF platforms (its own and its groups': `#audit`, `#machine` …, resolved through the benchmark's
 * platform specification and the CPE dictionary to the CPE's OVAL check) as conditions plumb can judge from facts:
 * "package X is installed" becomes `package:X`. SSG's "bare-metal or virtual machine" (no /.dockerenv, no
 * /run/.containerenv) is taken as true, since plumb manages machines, and noted. Anything else leaves the rule
 * unmapped: plumb could not tell where it applies.
 */
export function rulePlatforms(ds: DataStream, rule: XccdfRule): RulePlatforms {
  const appliesIf: string[] = [];
  const notes: string[] = [];
  for (const p of rule.platforms) {
    const names = p.startsWith('#') ? ds.platformSpecs.get(p.slice(1)) : { names: [p], operator: 'AND' };
    if (!names || names.operator.toUpperCase() !== 'AND') return { reason: `it applies on platform ${p}, which plumb cannot evaluate` };
    for (const name of names.names) {
      const item = ds.cpe.get(name);
      if (name === 'cpe:/a:machine') {
        notes.push('the content applies it to bare-metal and virtual machines, not containers; plumb treats every host as a machine');
        continue;
      }
      const doc = item?.check && ds.oval.get(item.check.href);
      if (!item || !doc) return { reason: `it applies only where ${item?.title ?? name}, which plumb cannot evaluate` };
      const expr = simplify(definitionExpr({ doc, bound: new Map() }, item.check!.name));
      const pkg = packageTest(expr, { doc, bound: new Map() });
      if (pkg?.installed) appliesIf.push(`package:${pkg.name}`);
      else return { reason: `it applies only where "${item.title}" (${expr.op === 'test' ? testKind(expr.test) : 'a combined'} check), which plumb cannot evaluate` };
    }
  }
  return { appliesIf: [...new Set(appliesIf)], notes: [...new Set(notes)] };
}
