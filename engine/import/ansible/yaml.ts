import { problemAt, type Problem } from '../../model/problem.js';
import { expandRanges, HostRangeError, splitPort } from './ranges.js';
import { addChild, addGroup, addHost, type AnsibleInventory, type Loc } from './types.js';
import { readYamlTree, toValue, type YNode } from './yaml-tree.js';

/**
 * Ansible's YAML inventory format, into `inv`: top-level groups (usually `all`), each with `hosts` (a mapping of
 * host pattern to its variables), `vars` and `children` (a mapping of groups, recursively). Ansible skips a
 * malformed group with a warning; here it is a located problem, and nothing is imported.
 */
export function parseYamlInventory(file: string, text: string, inv: AnsibleInventory): Problem[] {
  const { tree, problems } = readYamlTree(file, text);
  if (!tree) return problems;
  const fail = (at: Loc, message: string, hint?: string) => problems.push(problemAt({ ...at, pointer: '' }, 'ansible-inventory', message, { hint }));
  if (tree.kind === 'scalar' && tree.value === null) return problems; // an empty file is an empty inventory
  if (tree.kind !== 'map') {
    fail(tree.at, 'a YAML inventory is a mapping of groups (usually starting with all:)');
    return problems;
  }

  const group = (name: string, nameAt: Loc, node: YNode, depth: number): void => {
    addGroup(inv, name, nameAt);
    if (depth > 32) return void fail(nameAt, 'groups nested deeper than 32 levels');
    if (node.kind === 'scalar' && node.value === null) return;
    if (node.kind !== 'map') return void fail(node.at, `group '${name}' must be a mapping with hosts, vars and children`);
    for (const e of node.entries) {
      const v = e.value;
      const empty = v.kind === 'scalar' && v.value === null;
      if (e.key === 'hosts') {
        if (empty) continue;
        if (v.kind !== 'map') {
          fail(v.at, `hosts of group '${name}' must be a mapping of host names to their variables`, 'hosts:\n  web1.example.org:\n  web2.example.org: { ansible_port: 2222 }');
          continue;
        }
        for (const h of v.entries) hosts(name, h.key, h.keyAt, h.value);
      } else if (e.key === 'vars') {
        if (empty) continue;
        if (v.kind !== 'map') {
          fail(v.at, `vars of group '${name}' must be a mapping`);
          continue;
        }
        const g = addGroup(inv, name, nameAt);
        for (const x of v.entries) g.vars.set(x.key, { value: toValue(x.value), at: x.keyAt });
      } else if (e.key === 'children') {
        if (empty) continue;
        if (v.kind !== 'map') {
          fail(v.at, `children of group '${name}' must be a mapping of group names`);
          continue;
        }
        for (const c of v.entries) {
          addChild(inv, name, c.key, c.keyAt);
          group(c.key, c.keyAt, c.value, depth + 1);
        }
      } else {
        fail(e.keyAt, `unexpected key '${e.key}' in group '${name}'`, 'a group has only hosts, vars and children (is a host missing its hosts: line?)');
      }
    }
  };

  const hosts = (groupName: string, pattern: string, at: Loc, vars: YNode): void => {
    if (pattern.endsWith(':')) return void fail(at, `host pattern '${pattern}' ends in ':', which is reserved for a port`);
    const { pattern: name, port } = splitPort(pattern);
    let names: string[];
    try {
      names = expandRanges(name);
    } catch (e) {
      if (e instanceof HostRangeError) return void fail(at, `host pattern '${pattern}': ${e.message}`, 'a range is [01:20], [a:f] or [1:9:2]');
      throw e;
    }
    const empty = vars.kind === 'scalar' && vars.value === null;
    if (!empty && vars.kind !== 'map') return void fail(vars.at, `the variables of host '${pattern}' must be a mapping`);
    for (const n of names) {
      const h = addHost(inv, n, groupName, at);
      if (port !== undefined) h.vars.set('ansible_port', { value: port, at });
      if (vars.kind === 'map') for (const x of vars.entries) h.vars.set(x.key, { value: toValue(x.value), at: x.keyAt });
    }
  };

  for (const e of tree.entries) group(e.key, e.keyAt, e.value, 0);
  return problems;
}
