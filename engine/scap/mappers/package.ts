import type { Expr } from '../criteria.js';
import type { Claim, MapContext, Mapper } from '../mapping.js';
import { entity, objectOf, statesOf, testKind } from '../oval.js';

/** The package a dpkginfo test asks about and whether it wants it present, or undefined when it is not that plain shape. */
export function packageTest(e: Expr, ctx: MapContext): { name: string; installed: boolean } | undefined {
  if (e.op !== 'test' || testKind(e.test) !== 'dpkginfo' || statesOf(ctx.doc, e.test).length) return undefined;
  const obj = objectOf(ctx.doc, e.test);
  const name = obj && entity(obj, 'name');
  if (!name || name.attrs.var_ref || (name.attrs.operation && name.attrs.operation !== 'equals')) return undefined;
  const existence = e.test.attrs.check_existence ?? 'at_least_one_exists';
  const wants = existence === 'none_exist' ? false : existence === 'all_exist' || existence === 'at_least_one_exists' ? true : undefined;
  if (wants === undefined) return undefined;
  return { name: name.text.trim(), installed: e.negate ? !wants : wants };
}

export const packageMapper: Mapper = {
  kind: 'package',
  description: 'dpkginfo tests without a state: the package installed (packages.required) or not (packages.forbidden)',
  claim(conjuncts, ctx): Claim[] {
    const out: Claim[] = [];
    for (const c of conjuncts) {
      const p = packageTest(c, ctx);
      if (p) out.push({ used: [c], items: [{ kind: 'package', name: p.name, state: p.installed ? 'installed' : 'removed' }] });
    }
    return out;
  },
};
