import * as fs from 'node:fs';
import * as path from 'node:path';
import { problemAt, type Problem } from '../../model/problem.js';
import { parseIni } from './ini.js';
import { resolveInventory, type VarsFiles } from './resolve.js';
import { emptyInventory, type ResolvedHost, type Vars } from './types.js';
import { parseYamlInventory } from './yaml.js';
import { readYamlTree, toValue } from './yaml-tree.js';

/** Bounds for what a directory may make plumb read: a hostile or mistaken path must not eat the machine. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_FILES = 10_000;
const YAML_EXTS = new Set(['.yml', '.yaml', '.json']);
/** As Ansible skips them in an inventory directory (INVENTORY_IGNORE_EXTS and the always-ignored names). */
const IGNORED = /^\.|^host_vars$|^group_vars$|^vars_plugins$|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

export interface AnsibleRead {
  hosts: ResolvedHost[];
  /** Every inventory and variables file read, for the record. */
  files: string[];
  problems: Problem[];
}

/**
 * An inventory file or directory as `ansible-inventory -i PATH --list` sees it: a directory is every file in it
 * (recursively, sorted, Ansible's ignore rules); `.yml`, `.yaml` and `.json` files are the YAML format, others INI;
 * `group_vars/` and `host_vars/` beside the file (or in the directory). Executable inventory scripts and plugin
 * configurations are refused: plumb runs nothing it reads. File names in problems are relative to `cwd`.
 */
export function readAnsible(source: string, cwd = process.cwd()): AnsibleRead {
  const problems: Problem[] = [];
  const files: string[] = [];
  const shown = (p: string) => path.relative(cwd, p) || p;
  const inv = emptyInventory({ file: shown(source), line: 1, col: 1 });
  const read = (p: string): string | null => {
    if (files.length >= MAX_FILES) {
      problems.push(problemAt({ file: shown(p), line: 1, col: 1, pointer: '' }, 'ansible-inventory', `more than ${MAX_FILES} files`));
      return null;
    }
    const st = fs.statSync(p);
    if (st.size > MAX_FILE_BYTES) {
      problems.push(problemAt({ file: shown(p), line: 1, col: 1, pointer: '' }, 'ansible-inventory', `file is larger than ${MAX_FILE_BYTES} bytes`));
      return null;
    }
    files.push(shown(p));
    const bytes = fs.readFileSync(p);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (bytes.includes(0) || text.includes('\uFFFD')) {
      problems.push(problemAt({ file: shown(p), line: 1, col: 1, pointer: '' }, 'ansible-inventory', 'not a UTF-8 text file'));
      return null;
    }
    return text;
  };

  const inventoryFile = (p: string) => {
    const st = fs.statSync(p);
    const text = read(p);
    if (text === null) return;
    const ext = path.extname(p).toLowerCase();
    const isYaml = YAML_EXTS.has(ext);
    if (!isYaml && st.mode & 0o111 && text.startsWith('#!')) {
      problems.push(problemAt({ file: shown(p), line: 1, col: 1, pointer: '' }, 'ansible-inventory', 'an executable inventory script: plumb does not run it', { hint: 'run it yourself and import a static inventory, e.g. ansible-inventory -i SCRIPT --list -y > hosts.yml' }));
      return;
    }
    if (isYaml && /^\s*plugin\s*:/m.test(text)) {
      problems.push(problemAt({ file: shown(p), line: 1, col: 1, pointer: '' }, 'ansible-inventory', 'an inventory plugin configuration (plugin:): plumb reads static inventories only', { hint: 'export it: ansible-inventory -i FILE --list -y > hosts.yml' }));
      return;
    }
    problems.push(...(isYaml ? parseYamlInventory(shown(p), text, inv) : parseIni(shown(p), text, inv)));
  };
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      if (IGNORED.test(name)) continue;
      const p = path.join(dir, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else inventoryFile(p);
    }
  };

  let st: fs.Stats;
  try {
    st = fs.statSync(source);
  } catch (e) {
    problems.push(problemAt({ file: shown(source), line: 1, col: 1, pointer: '' }, 'ansible-inventory', `cannot read ${shown(source)} (${(e as NodeJS.ErrnoException).code})`));
    return { hosts: [], files, problems };
  }
  const base = st.isDirectory() ? source : path.dirname(source);
  if (st.isDirectory()) walk(source);
  else inventoryFile(source);
  const varsFiles: VarsFiles = { groups: readVarsDir(path.join(base, 'group_vars'), inv.groups.keys(), read, shown, problems), hosts: readVarsDir(path.join(base, 'host_vars'), inv.hosts.keys(), read, shown, problems) };
  if (problems.length) return { hosts: [], files, problems };
  const resolved = resolveInventory(inv, varsFiles);
  return { hosts: resolved.hosts, files, problems: resolved.problems };
}

/**
 * For each group or host NAME: `group_vars/NAME` (a file, or a directory of files, recursively, sorted), then
 * `NAME.yml`, `NAME.yaml`, `NAME.json`, later over earlier, as Ansible's host_group_vars plugin finds them. Each file holds one mapping (or nothing).
 */
function readVarsDir(dir: string, names: Iterable<string>, read: (p: string) => string | null, shown: (p: string) => string, problems: Problem[]): Map<string, Vars> {
  const out = new Map<string, Vars>();
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return out;
  const load = (entity: string, file: string) => {
    const text = read(file);
    if (text === null) return;
    const { tree, problems: ps } = readYamlTree(shown(file), text);
    problems.push(...ps);
    if (!tree || (tree.kind === 'scalar' && tree.value === null)) return;
    if (tree.kind !== 'map') {
      problems.push(problemAt({ ...tree.at, pointer: '' }, 'ansible-inventory', 'a variables file holds one mapping of variable names to values'));
      return;
    }
    const vars = out.get(entity) ?? out.set(entity, new Map()).get(entity)!;
    for (const e of tree.entries) vars.set(e.key, { value: toValue(e.value), at: e.keyAt });
  };
  const files = (d: string): string[] =>
    fs
      .readdirSync(d)
      .sort()
      .filter((n) => !n.startsWith('.'))
      .flatMap((n) => {
        const p = path.join(d, n);
        if (fs.statSync(p).isDirectory()) return files(p);
        return ['', ...YAML_EXTS].includes(path.extname(n).toLowerCase()) ? [p] : [];
      });
  for (const name of names) {
    // A name is a file name here: one with a path in it would read outside group_vars/ (Ansible does; plumb does not).
    if (name.includes('/') || name.includes('\0') || name === '.' || name === '..') continue;
    for (const ext of ['', ...YAML_EXTS]) {
      const p = path.join(dir, name + ext);
      if (!fs.existsSync(p)) continue;
      if (fs.statSync(p).isDirectory()) {
        if (ext === '') for (const f of files(p)) load(name, f);
      } else load(name, p);
    }
  }
  return out;
}
