import type { Expr } from '../criteria.js';
import type { Claim, MapContext, Mapper } from '../mapping.js';
import { entity, objectOf, testKind } from '../oval.js';

const INSTALL_FALSE = /^\^\\s\*install\\s\+([A-Za-z0-9_-]+)\\s\+\(\/bin\/false\|\/bin\/true\)\$$/;

/**
 * SSG's kernel_module_*_disabled rules: an `install NAME /bin/false` (or /bin/true) line in the modprobe
 * configuration, in modprobe.d or the old /etc/modprobe.conf (one textfilecontent54 test each, OR-ed): a
 * kernel_modules item `disabled`.
 */
export const kernelModuleMapper: Mapper = {
  kind: 'kernel-module',
  description: "textfilecontent54 tests for 'install NAME /bin/false|/bin/true' in modprobe.d or /etc/modprobe.conf: kernel_modules NAME disabled",
  claim(conjuncts, ctx): Claim[] {
    const out: Claim[] = [];
    for (const c of conjuncts) {
      const tests = c.op === 'or' && !c.negate ? c.items : [c];
      const names = tests.map((t) => moduleOf(t, ctx));
      const name = names[0];
      if (name && names.every((n) => n === name)) out.push({ used: [c], items: [{ kind: 'kernel-module', name }] });
    }
    return out;
  },
};

function moduleOf(e: Expr, ctx: MapContext): string | undefined {
  if (e.op !== 'test' || e.negate || testKind(e.test) !== 'textfilecontent54') return undefined;
  const obj = objectOf(ctx.doc, e.test);
  const pattern = obj && entity(obj, 'pattern')?.text.trim();
  return pattern ? INSTALL_FALSE.exec(pattern)?.[1] : undefined;
}
