import { problemAt, type Problem } from '../../model/problem.js';
import { pyLiteral } from './py-literal.js';
import { expandRanges, HostRangeError, splitPort } from './ranges.js';
import { shlexSplit } from './shlex.js';
import { addChild, addGroup, addHost, type AnsibleInventory, type Loc } from './types.js';

/**
 * Ansible's INI inventory format, into `inv`: `[group]` host lines with inline `key=value` variables, `[group:vars]`
 * and `[group:children]` sections, ranges, `host:port`. Same acceptance as Ansible's ini plugin, except that
 * everything it only warns about is a located problem here. Returns the problems; on any, the caller imports nothing.
 */
export function parseIni(file: string, text: string, inv: AnsibleInventory): Problem[] {
  const problems: Problem[] = [];
  const at = (line: number, col = 1): Loc => ({ file, line, col });
  const fail = (line: number, message: string, hint?: string, col = 1) => problems.push(problemAt({ ...at(line, col), pointer: '' }, 'ansible-inventory', message, { hint }));
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  // Ansible lets [x:children] name a group declared further down, and [x:vars] only a group that exists somewhere.
  const pendingVars = new Map<string, number>();
  const pendingChildren = new Map<string, number>();
  const declared = new Set(['all', 'ungrouped']);

  const lines = text.split(/\r?\n/);
  lines.forEach((raw, idx) => {
    const n = idx + 1;
    const line = raw.trim();
    const col = raw.length - raw.trimStart().length + 1;
    if (!line || line[0] === '#' || line[0] === ';') return;
    const section = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/.exec(line);
    if (section) {
      group = section[1]!;
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        fail(n, `section [${group}:${kind}] has an unknown type '${kind}'`, 'a section is [group], [group:vars] or [group:children]', col);
        state = 'hosts';
        return;
      }
      state = kind;
      if (state === 'vars') {
        if (!declared.has(group)) pendingVars.set(group, n);
      } else {
        declared.add(group);
        pendingVars.delete(group);
        pendingChildren.delete(group);
      }
      addGroup(inv, group, at(n, col));
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(n, `invalid section entry '${line}'`, 'a section header has no spaces: [group], [group:vars] or [group:children]', col);
      return;
    }
    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) return void fail(n, `expected key=value in [${group}:vars], got '${line}'`, undefined, col);
      const key = line.slice(0, eq).trim();
      addGroup(inv, group, at(n, col)).vars.set(key, { value: pyLiteral(line.slice(eq + 1)), at: at(n, col) });
      return;
    }
    if (state === 'children') {
      const m = /^([^:\]\s]+)\s*(?:#.*)?$/.exec(line);
      if (!m) return void fail(n, `expected a group name in [${group}:children], got '${line}'`, undefined, col);
      const child = m[1]!;
      if (!declared.has(child) && !pendingChildren.has(child)) pendingChildren.set(child, n);
      addChild(inv, group, child, at(n, col));
      return;
    }
    let tokens: string[];
    try {
      tokens = shlexSplit(line);
    } catch (e) {
      return void fail(n, `cannot read the host line: ${(e as Error).message.toLowerCase()}`, 'close the quote, or escape it with a backslash', col);
    }
    if (!tokens.length) return;
    const pattern = tokens[0]!;
    if (pattern.endsWith(':')) return void fail(n, `host pattern '${pattern}' ends in ':', which is reserved for a port`, undefined, col);
    if (pattern === '---') return void fail(n, "'---' starts a YAML document: is this file YAML? Name it .yml or .yaml", undefined, col);
    const { pattern: name, port } = splitPort(pattern);
    let names: string[];
    try {
      names = expandRanges(name);
    } catch (e) {
      if (e instanceof HostRangeError) return void fail(n, `host pattern '${pattern}': ${e.message}`, 'a range is [01:20], [a:f] or [1:9:2]', col);
      throw e;
    }
    const vars: Array<[string, unknown]> = [];
    for (const t of tokens.slice(1)) {
      const eq = t.indexOf('=');
      if (eq < 0) return void fail(n, `expected key=value after the host name, got '${t}'`, 'quote values that contain spaces: key="a b"', col);
      vars.push([t.slice(0, eq), pyLiteral(t.slice(eq + 1))]);
    }
    for (const h of names) {
      declared.add(group);
      const host = addHost(inv, h, group, at(n, col));
      if (port !== undefined) host.vars.set('ansible_port', { value: port, at: at(n, col) });
      for (const [k, v] of vars) host.vars.set(k, { value: v, at: at(n, col) });
    }
  });
  for (const g of declared) {
    pendingVars.delete(g);
    pendingChildren.delete(g);
  }
  for (const [g, n] of pendingVars) fail(n, `[${g}:vars] is for a group that is declared nowhere`, `declare [${g}] or list it under some [parent:children]`);
  for (const [g, n] of pendingChildren) fail(n, `a :children section names the group '${g}', which is declared nowhere`, `add a [${g}] section (it may be empty)`);
  return problems;
}
