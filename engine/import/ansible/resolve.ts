import { problemAt, type Problem } from '../../model/problem.js';
import type { AnsibleGroup, AnsibleInventory, ResolvedHost, Vars } from './types.js';

/** group_vars/ and host_vars/ beside the inventory: per group or host name, the variables of its files in order. */
export interface VarsFiles {
  groups: Map<string, Vars>;
  hosts: Map<string, Vars>;
}

/**
 * Ansible's reconciliation and variable precedence, without Ansible (ansible-core 2.14, default settings):
 * groups without a parent are children of `all`; hosts in no group are in `ungrouped` (and only those); then,
 * per host, later layers replace earlier ones key by key:
 *   all's inventory vars < the host's groups' inventory vars < group_vars/all < group_vars/<group>
 *   < the host's inventory vars < host_vars/<host>
 * with groups ordered by (depth, ansible_group_priority, name). A loop in `children` is a located problem.
 */
export function resolveInventory(inv: AnsibleInventory, files: VarsFiles): { hosts: ResolvedHost[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const all = inv.groups.get('all')!;
  const ungrouped = inv.groups.get('ungrouped')!;
  for (const g of inv.groups.values()) {
    if (g.name !== 'all' && g.parents.size === 0) {
      g.parents.add('all');
      all.children.add(g.name);
    }
  }
  const depth = new Map<string, number>();
  const loop = findLoop(inv);
  if (loop) {
    const g = inv.groups.get(loop[0]!)!;
    problems.push(problemAt({ ...g.at, pointer: '' }, 'ansible-inventory', `groups make a loop through children: ${loop.join(' → ')}`, { hint: 'a group cannot be its own ancestor' }));
    return { hosts: [], problems };
  }
  const depthOf = (name: string): number => {
    let d = depth.get(name);
    if (d === undefined) {
      const g = inv.groups.get(name)!;
      d = name === 'all' ? 0 : Math.max(0, ...[...g.parents].map((p) => depthOf(p) + 1));
      depth.set(name, d);
    }
    return d;
  };
  const priority = (g: AnsibleGroup) => {
    const p = g.vars.get('ansible_group_priority')?.value;
    return typeof p === 'number' ? p : Number(p ?? 1) || 1;
  };

  const direct = new Map<string, Set<string>>();
  for (const g of inv.groups.values()) for (const h of g.hosts) (direct.get(h) ?? direct.set(h, new Set()).get(h)!).add(g.name);
  const hosts: ResolvedHost[] = [];
  for (const host of inv.hosts.values()) {
    const mine = direct.get(host.name) ?? new Set();
    const others = [...mine].filter((g) => g !== 'ungrouped' && g !== 'all');
    if (others.length) {
      mine.delete('ungrouped');
      ungrouped.hosts.delete(host.name);
    } else if (!mine.has('ungrouped')) {
      mine.add('ungrouped');
      ungrouped.hosts.add(host.name);
    }
    const groups = new Set<string>();
    const up = (name: string) => {
      if (name === 'all' || groups.has(name)) return;
      groups.add(name);
      for (const p of inv.groups.get(name)!.parents) up(p);
    };
    for (const g of mine) up(g);
    const ordered = [...groups]
      .map((n) => inv.groups.get(n)!)
      .sort((a, b) => depthOf(a.name) - depthOf(b.name) || priority(a) - priority(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((g) => g.name);
    const vars: Vars = new Map();
    const layer = (v: Vars | undefined) => {
      for (const [k, x] of v ?? []) vars.set(k, x);
    };
    layer(new Map([...all.vars].filter(([k]) => k !== 'ansible_group_priority')));
    // ansible_group_priority in a group's own vars sets its priority and is not a variable (Group.set_variable).
    for (const g of ordered) layer(new Map([...inv.groups.get(g)!.vars].filter(([k]) => k !== 'ansible_group_priority')));
    layer(files.groups.get('all'));
    for (const g of ordered) layer(files.groups.get(g));
    layer(host.vars);
    layer(files.hosts.get(host.name));
    hosts.push({ name: host.name, groups: ordered, vars, at: host.at });
  }
  return { hosts, problems };
}

function findLoop(inv: AnsibleInventory): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | null => {
    const s = state.get(name);
    if (s === 'done') return null;
    if (s === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    path.push(name);
    for (const c of inv.groups.get(name)?.children ?? []) {
      const l = visit(c);
      if (l) return l;
    }
    path.pop();
    state.set(name, 'done');
    return null;
  };
  for (const g of inv.groups.keys()) {
    const l = visit(g);
    if (l) return l;
  }
  return null;
}
