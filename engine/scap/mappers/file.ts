import type { Claim, Mapper, MapContext } from '../mapping.js';
import { entity, objectOf, statesOf, testKind } from '../oval.js';
import type { XmlElement } from '../xml.js';
import { anchoredLiteral } from './values.js';

// The ids Debian fixes for every system (base-passwd's passwd.master and group.master): the only numbers an
// import can turn into the names a baseline uses without asking a host.
const USERS: Record<string, string> = { 0: 'root', 1: 'daemon', 2: 'bin', 3: 'sys', 4: 'sync', 5: 'games', 6: 'man', 7: 'lp', 8: 'mail', 9: 'news', 10: 'uucp', 13: 'proxy', 33: 'www-data', 34: 'backup', 38: 'list', 39: 'irc', 42: '_apt', 65534: 'nobody' };
const GROUPS: Record<string, string> = { 0: 'root', 1: 'daemon', 2: 'bin', 3: 'sys', 4: 'adm', 5: 'tty', 6: 'disk', 7: 'lp', 8: 'mail', 9: 'news', 10: 'uucp', 12: 'man', 13: 'proxy', 15: 'kmem', 20: 'dialout', 21: 'fax', 22: 'voice', 24: 'cdrom', 25: 'floppy', 26: 'tape', 27: 'sudo', 29: 'audio', 30: 'dip', 33: 'www-data', 34: 'backup', 37: 'operator', 38: 'list', 39: 'irc', 40: 'src', 42: 'shadow', 43: 'utmp', 44: 'video', 45: 'sasl', 46: 'plugdev', 50: 'staff', 60: 'games', 100: 'users', 65534: 'nogroup' };

const BITS: Array<[string, number]> = [
  ['suid', 0o4000], ['sgid', 0o2000], ['sticky', 0o1000],
  ['uread', 0o400], ['uwrite', 0o200], ['uexec', 0o100],
  ['gread', 0o040], ['gwrite', 0o020], ['gexec', 0o010],
  ['oread', 0o004], ['owrite', 0o002], ['oexec', 0o001],
];

type FileWant = { owner?: string; group?: string; maxMode?: string };

/**
 * A file_test of one path. SSG writes "the file is compliant" two ways: the object excludes (filters out) symlinks
 * and the compliant state and `check_existence="none_exist"` — or the test carries the state. Either way the state's
 * user_id/group_id become owner/group (by Debian's fixed ids), and permission bits it forbids become `max_mode`.
 */
export const fileMapper: Mapper = {
  kind: 'file',
  description: 'file_test of one path with user_id, group_id or forbidden permission bits: files[].owner, group, max_mode',
  claim(conjuncts, ctx): Claim[] {
    const out: Claim[] = [];
    for (const c of conjuncts) {
      if (c.op !== 'test' || c.negate || testKind(c.test) !== 'file') continue;
      const obj = objectOf(ctx.doc, c.test);
      if (!obj) continue;
      const path = literalPath(obj);
      if (!path) {
        out.push({ used: [c], reason: `a file check over ${describePaths(obj)}, not one path` });
        continue;
      }
      const existence = c.test.attrs.check_existence ?? 'at_least_one_exists';
      let states: XmlElement[];
      if (existence === 'none_exist') {
        const filters = obj.children.filter((f) => f.name === 'filter' && (f.attrs.action ?? 'exclude') === 'exclude').map((f) => ctx.doc.states.get(f.text.trim()));
        states = filters.filter((s): s is XmlElement => Boolean(s) && !isSymlinkState(s!));
        if (statesOf(ctx.doc, c.test).length || states.length !== 1) {
          out.push({ used: [c], reason: `${path}: a file check in a shape plumb does not read` });
          continue;
        }
      } else states = statesOf(ctx.doc, c.test);
      if (states.length !== 1) {
        out.push({ used: [c], reason: `${path}: ${states.length} states` });
        continue;
      }
      const want = readState(states[0]!, ctx);
      if ('reason' in want) out.push({ used: [c], reason: `${path}: ${want.reason}` });
      else out.push({ used: [c], items: [{ kind: 'file', path, ...want }] });
    }
    return out;
  },
};

function literalPath(obj: XmlElement): string | undefined {
  const fp = entity(obj, 'filepath');
  if (!fp || fp.attrs.var_ref) return undefined;
  const op = fp.attrs.operation ?? 'equals';
  const p = op === 'equals' ? fp.text.trim() : op === 'pattern match' ? anchoredLiteral(fp.text.trim()) : undefined;
  return p && /^(?:\/[A-Za-z0-9._@+,=-]+)+$/.test(p) ? p : undefined;
}

function describePaths(obj: XmlElement): string {
  const fp = entity(obj, 'filepath');
  if (fp) return fp.attrs.var_ref ? `paths from ${fp.attrs.var_ref}` : `paths matching ${fp.text.trim()}`;
  const dir = entity(obj, 'path');
  const name = entity(obj, 'filename');
  const recurse = entity(obj, 'behaviors')?.attrs.recurse_direction;
  return `${dir?.attrs.var_ref ? 'directories from a variable' : (dir?.text.trim() ?? '?')}${name ? `/${name.text.trim() || '(the directory itself)'}` : ''}${recurse && recurse !== 'none' ? ' recursively' : ''}`;
}

function isSymlinkState(s: XmlElement): boolean {
  const t = entity(s, 'type');
  return s.children.length === 1 && t !== undefined && t.text.trim() === 'symbolic link';
}

function readState(s: XmlElement, _ctx: MapContext): FileWant | { reason: string } {
  const want: FileWant = {};
  let forbidden = 0;
  for (const e of s.children) {
    const op = e.attrs.operation ?? 'equals';
    if (e.name === 'user_id' || e.name === 'group_id') {
      if (op !== 'equals' || e.attrs.var_ref) return { reason: `${e.name} compared with '${op}'` };
      const table = e.name === 'user_id' ? USERS : GROUPS;
      const name = table[e.text.trim()];
      if (!name) return { reason: `${e.name} ${e.text.trim()} is not one of the ids Debian fixes, so its name differs from host to host` };
      if (e.name === 'user_id') want.owner = name;
      else want.group = name;
      continue;
    }
    const bit = BITS.find(([n]) => n === e.name);
    if (bit) {
      if (e.text.trim() === 'true') return { reason: `it wants ${e.name} set, where plumb checks modes as an upper bound` };
      forbidden |= bit[1];
      continue;
    }
    if (e.name === 'type' && e.text.trim() === 'regular') continue;
    return { reason: `the state compares ${e.name}` };
  }
  if (forbidden) want.maxMode = (0o7777 & ~forbidden).toString(8).padStart(4, '0');
  if (!want.owner && !want.group && !want.maxMode) return { reason: 'the state checks nothing plumb reads' };
  return want;
}
