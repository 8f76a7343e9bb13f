import type { Expr } from '../criteria.js';
import type { Claim, Mapper } from '../mapping.js';
import { entity, memberObjects, objectOf, statesOf, testKind } from '../oval.js';
import { exactValue, wantedValue } from './values.js';

/** Where systemd-sysctl (and procps' sysctl --system) read values at boot: what SSG's static checks look at. */
export const SYSCTL_LOCATIONS = ['/etc/sysctl.conf', '/etc/sysctl.d', '/run/sysctl.d', '/usr/lib/sysctl.d', '/usr/local/lib/sysctl.d', '/lib/sysctl.d'];

/**
 * SSG's sysctl rules: a `sysctl_test` of the running value AND textfilecontent54 tests that every `key = value` line
 * of the boot-time configuration sets the same value and that one exists. Together that is a Plumbline sysctl item,
 * which checks both (a value right now but lost at reboot is a finding of its own).
 */
export const sysctlMapper: Mapper = {
  kind: 'sysctl',
  description: 'sysctl_test of the running value together with the textfilecontent54 tests of /etc/sysctl.conf and sysctl.d: a sysctl item (running and persisted)',
  claim(conjuncts, ctx): Claim[] {
    const out: Claim[] = [];
    for (const c of conjuncts) {
      if (c.op !== 'test' || c.negate || testKind(c.test) !== 'sysctl') continue;
      const obj = objectOf(ctx.doc, c.test);
      const name = obj && entity(obj, 'name');
      const states = statesOf(ctx.doc, c.test);
      if (!name || name.attrs.var_ref || states.length !== 1) {
        out.push({ used: [c], reason: 'a sysctl test on a computed name or with several states' });
        continue;
      }
      const key = name.text.trim();
      const value = exactValue(wantedValue(ctx, entity(states[0]!, 'value') ?? states[0]!));
      if (value === undefined) {
        out.push({ used: [c], reason: `${key} is compared with an operation other than equality` });
        continue;
      }
      const persisted = conjuncts.filter((d) => persistenceTestOf(d, ctx, key));
      if (!persisted.length) {
        out.push({ used: [c], reason: `${key}: the check reads only the running value, where a Plumbline sysctl item also checks the boot-time configuration` });
        continue;
      }
      const wrong = persisted.find((d) => d.op === 'test' && !d.negate && statesOf(ctx.doc, d.test).some((s) => exactValue(wantedValue(ctx, entity(s, 'subexpression') ?? s)) !== value));
      if (wrong) {
        out.push({ used: [c, ...persisted], reason: `${key}: the running and the configured values the check wants differ` });
        continue;
      }
      out.push({ used: [c, ...persisted], items: [{ kind: 'sysctl', key, value }] });
    }
    return out;
  },
};

/** A test (or a negated, or AND-ed group of tests) that reads `key = …` lines in the sysctl configuration files. */
function persistenceTestOf(e: Expr, ctx: Parameters<Mapper['claim']>[1], key: string): boolean {
  if (e.op === 'and' && !e.negate) return e.items.every((i) => persistenceTestOf(i, ctx, key));
  if (e.op !== 'test' || testKind(e.test) !== 'textfilecontent54') return false;
  const obj = objectOf(ctx.doc, e.test);
  if (!obj) return false;
  const pattern = `^[\\s]*${key}[\\s]*=[\\s]*(.*)[\\s]*$`;
  return memberObjects(ctx.doc, obj).every((o) => {
    const where = entity(o, 'filepath')?.text.trim() ?? entity(o, 'path')?.text.trim() ?? '';
    return entity(o, 'pattern')?.text === pattern && SYSCTL_LOCATIONS.includes(where);
  });
}
