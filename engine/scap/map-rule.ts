import { definitionExpr, simplify, testsIn, type Expr } from './criteria.js';
import type { DataStream } from './datastream.js';
import type { ScapItem } from './mapping.js';
import { MAPPERS } from './mappers/index.js';
import { packageTest } from './mappers/package.js';
import { entity, memberObjects, objectOf, testKind, type OvalDocument } from './oval.js';
import { rulePlatforms } from './platforms.js';
import type { XccdfRule } from './xccdf.js';

export type RuleMapping =
  | { rule: XccdfRule; items: ScapItem[]; guard?: string; notes: string[]; appliesIf: string[] }
  | { rule: XccdfRule; reason: string };

/**
 * One rule's check → Plumbline items, or the reason it cannot be. A rule maps only whole: every part of its check
 * that must hold is claimed by a mapper, so the items pass exactly when the check would (up to the differences the
 * README lists). `values` are the profile's XCCDF values by id.
 */
export function mapRule(ds: DataStream, rule: XccdfRule, values: Map<string, string>): RuleMapping {
  if (!rule.oval) {
    const other = rule.otherChecks.length ? rule.otherChecks.map((s) => (/ocil/.test(s) ? 'an OCIL questionnaire (a person answers it)' : s)).join(', ') : 'no check at all';
    return { rule, reason: `no automated OVAL check: ${other}` };
  }
  const platforms = rulePlatforms(ds, rule);
  if ('reason' in platforms) return { rule, reason: platforms.reason };
  const doc = ds.oval.get(rule.oval.href);
  if (!doc) return { rule, reason: `its OVAL check is in ${rule.oval.href}, which the data stream does not hold` };
  const bound = new Map<string, string>();
  for (const e of rule.oval.exports) {
    const v = values.get(e.valueId);
    if (v !== undefined) bound.set(e.exportName, v);
  }
  const ctx = { doc, bound };
  const expr = simplify(definitionExpr(ctx, rule.oval.name));
  if (expr.op === 'const') return { rule, reason: `with this profile's values its check always ${expr.value ? 'passes' : 'fails'}: nothing on a host decides it` };
  if (expr.op === 'unsupported') return { rule, reason: expr.why };
  let conjuncts = expr.op === 'and' && !expr.negate ? [...expr.items] : [expr];
  // "P not installed, or P installed and configured": the configuration is what a baseline says; the guard is noted.
  let guard: string | undefined;
  const unguarded: Expr[] = [];
  for (const c of conjuncts) {
    const g = guarded(c, ctx);
    if (g) {
      guard = `applies when ${g.package} is installed (the check passes without it)`;
      unguarded.push(...g.rest);
    } else unguarded.push(c);
  }
  conjuncts = unguarded;
  const used = new Set<Expr>();
  const items: ScapItem[] = [];
  const notes: string[] = [];
  const reasons: string[] = [];
  for (const m of MAPPERS) {
    const free = conjuncts.filter((c) => !used.has(c));
    for (const claim of m.claim(free, ctx)) {
      if (claim.used.some((u) => used.has(u))) continue;
      claim.used.forEach((u) => used.add(u));
      if ('reason' in claim) reasons.push(claim.reason);
      else {
        items.push(...claim.items);
        if (claim.note) notes.push(claim.note);
      }
    }
  }
  if (reasons.length) return { rule, reason: reasons.join('; ') };
  const left = conjuncts.filter((c) => !used.has(c));
  if (left.length) return { rule, reason: `its check ${left.map((c) => describe(c, doc)).join(' and ')}: no Plumbline check expresses that` };
  if (!items.length) return { rule, reason: 'its check holds nothing plumb reads' };
  return { rule, items, guard, notes: [...platforms.notes, ...notes], appliesIf: platforms.appliesIf };
}

/** `OR(P removed, AND(P installed, rest…))` or `OR(P removed, rest)`, in either order. */
function guarded(e: Expr, ctx: { doc: OvalDocument; bound: Map<string, string> }): { package: string; rest: Expr[] } | undefined {
  if (e.op !== 'or' || e.negate || e.items.length !== 2) return undefined;
  for (const [a, b] of [[e.items[0]!, e.items[1]!], [e.items[1]!, e.items[0]!]] as const) {
    const removed = packageTest(a, ctx);
    if (!removed || removed.installed) continue;
    const parts = b.op === 'and' && !b.negate ? b.items : [b];
    // The installed test is often there too (SSG's sshd rules), sometimes implied (its service rules).
    const rest = parts.filter((p) => !(packageTest(p, ctx)?.installed && packageTest(p, ctx)!.name === removed.name));
    return rest.length ? { package: removed.name, rest } : undefined;
  }
  return undefined;
}

/** What a part of a check looks at, in words, for the unmapped list. */
export function describe(e: Expr, doc: OvalDocument): string {
  if (e.op === 'const') return e.value ? 'always holds' : 'never holds';
  if (e.op === 'unsupported') return e.why;
  if (e.op === 'test') {
    const kind = testKind(e.test);
    const obj = objectOf(doc, e.test);
    const where = obj ? memberObjects(doc, obj).map(target).filter(Boolean) : [];
    const neg = e.negate ? 'not ' : '';
    return `${neg}${kind}${where.length ? ` on ${[...new Set(where)].slice(0, 3).join(', ')}${where.length > 3 ? ' …' : ''}` : ''}${e.test.attrs.check_existence === 'none_exist' ? ' (must find nothing)' : ''}`;
  }
  const kinds = [...new Set(testsIn(e).map(testKind))];
  return `${e.negate ? 'not ' : ''}${e.op === 'or' ? 'one of' : 'all of'} (${kinds.join(', ')} tests)`;
}

function target(o: import('./xml.js').XmlElement): string {
  const fp = entity(o, 'filepath');
  if (fp) return fp.attrs.var_ref ? 'computed paths' : fp.text.trim();
  const p = entity(o, 'path');
  const f = entity(o, 'filename');
  if (p) return `${p.attrs.var_ref ? 'computed directories' : p.text.trim()}/${f?.text.trim() ?? ''}`;
  for (const n of ['name', 'unit', 'mount_point', 'var_ref', 'username']) {
    const x = entity(o, n);
    if (x) return x.text.trim();
  }
  return '';
}
