import type { Claim, Mapper } from '../mapping.js';
import { entity, objectOf, statesOf, testKind } from '../oval.js';
import { SYSCTL_LOCATIONS } from './sysctl.js';
import { exactValue, wantedValue } from './values.js';

// The patterns SSG's lineinfile templates generate for `Keyword value` files (sshd_config, login.defs …): the
// keyword case-insensitive, then blanks, then the value up to a comment. `[ \t]` and `[\s]` spellings both occur.
const SPACE_KEY = /^\^\[(?: \\t|\\s)\]\*\(\?i\)([A-Za-z][A-Za-z0-9_.-]*)(?:\(\?-i\))?\[(?: \\t|\\s)\]\+\((?:\.\+\?|\\d\+)\)\[(?: \\t|\\s)\]\*\(\?:(?:\$\|#|#\.\*)\)\??\$?$/;
// `key = value` files (auditd.conf, coredump.conf …).
const EQUALS_KEY = /^\^\[(?: \\t|\\s)\]\*([A-Za-z][A-Za-z0-9_.-]*)\[(?: \\t|\\s)\]\*=\[(?: \\t|\\s)\]\*\(\.\*\?\)\[(?: \\t|\\s)\]\*\$$/;
const PLAIN_PATH = /^(?:\/[A-Za-z0-9._@+,=-]+)+$/;

/**
 * One textfilecontent54 test of one file whose pattern captures a keyword's value and whose state wants one exact
 * value: a setting (`syntax: space` or `equals`). A check that passes when the keyword is absent (SSG's "the default
 * is compliant") is not a Plumbline setting, which wants the value written: it is reported unmapped with that reason.
 */
export const settingMapper: Mapper = {
  kind: 'setting',
  description: 'textfilecontent54 tests of one file whose pattern captures a keyword\'s value and whose state wants one exact value: settings (space or equals syntax)',
  claim(conjuncts, ctx): Claim[] {
    const out: Claim[] = [];
    for (const c of conjuncts) {
      if (c.op !== 'test' || c.negate || testKind(c.test) !== 'textfilecontent54') continue;
      const obj = objectOf(ctx.doc, c.test);
      const file = obj && entity(obj, 'filepath');
      const pattern = obj && entity(obj, 'pattern')?.text;
      if (!file || !pattern || file.attrs.var_ref || (file.attrs.operation && file.attrs.operation !== 'equals')) continue;
      const path = file.text.trim();
      if (SYSCTL_LOCATIONS.includes(path)) continue;
      const space = SPACE_KEY.exec(pattern);
      const equals = space ? null : EQUALS_KEY.exec(pattern);
      const key = (space ?? equals)?.[1];
      if (!key) continue;
      if (!PLAIN_PATH.test(path)) {
        out.push({ used: [c], reason: `${path} is not a plain absolute path` });
        continue;
      }
      const states = statesOf(ctx.doc, c.test);
      const existence = c.test.attrs.check_existence ?? 'at_least_one_exists';
      if (existence !== 'all_exist' && existence !== 'at_least_one_exists') {
        out.push({ used: [c], reason: `${key} in ${path}: the check passes when the keyword is not set, where a Plumbline setting wants it written` });
        continue;
      }
      if (states.length !== 1) {
        out.push({ used: [c], reason: `${key} in ${path}: ${states.length ? 'a range of values (several states)' : 'only its presence'} is checked, not one value` });
        continue;
      }
      const sub = entity(states[0]!, 'subexpression');
      const value = sub && exactValue(wantedValue(ctx, sub));
      if (value === undefined) {
        out.push({ used: [c], reason: `${key} in ${path}: the value is compared with '${sub?.attrs.operation ?? '?'}', not one exact value` });
        continue;
      }
      out.push({ used: [c], items: [{ kind: 'setting', file: path, syntax: space ? 'space' : 'equals', key, value }] });
    }
    return out;
  },
};
