/**
 * An Ansible inventory as plumb reads it (engine/import/ansible/README.md): the groups and hosts of every
 * source file, each variable with the place that set it, before Ansible's precedence flattens them.
 */

/** Where something was written: file, 1-based line and column. */
export interface Loc {
  file: string;
  line: number;
  col: number;
}

/** A variable's value and where it was set. A vault-encrypted value is kept opaque: plumb never decrypts. */
export interface VarValue {
  value: unknown;
  at: Loc;
}

export type Vars = Map<string, VarValue>;

export interface AnsibleGroup {
  name: string;
  vars: Vars;
  children: Set<string>;
  parents: Set<string>;
  hosts: Set<string>;
  at: Loc;
}

export interface AnsibleHost {
  name: string;
  /** Inline variables (inventory file), in the order set; later settings of one name override. */
  vars: Vars;
  /** Where the host was first declared. */
  at: Loc;
}

/** What the INI and YAML parsers build up; `all` and `ungrouped` always exist, as in Ansible. */
export interface AnsibleInventory {
  groups: Map<string, AnsibleGroup>;
  hosts: Map<string, AnsibleHost>;
}

/** A value from `ansible-vault encrypt_string` (`!vault |`): carried, never read. */
export class VaultedValue {
  constructor(readonly at: Loc) {}
  toString(): string {
    return '<vaulted>';
  }
}

/** One host after Ansible's variable precedence, as `ansible-inventory --list` would show it. */
export interface ResolvedHost {
  name: string;
  /** Every group the host is in, ancestors included, without `all`, in Ansible's order (depth, priority, name). */
  groups: string[];
  vars: Vars;
  at: Loc;
}

export function emptyInventory(at: Loc): AnsibleInventory {
  const inv: AnsibleInventory = { groups: new Map(), hosts: new Map() };
  addGroup(inv, 'all', at);
  addGroup(inv, 'ungrouped', at);
  inv.groups.get('all')!.children.add('ungrouped');
  inv.groups.get('ungrouped')!.parents.add('all');
  return inv;
}

export function addGroup(inv: AnsibleInventory, name: string, at: Loc): AnsibleGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, vars: new Map(), children: new Set(), parents: new Set(), hosts: new Set(), at };
    inv.groups.set(name, g);
  }
  return g;
}

export function addHost(inv: AnsibleInventory, name: string, group: string, at: Loc): AnsibleHost {
  let h = inv.hosts.get(name);
  if (!h) {
    h = { name, vars: new Map(), at };
    inv.hosts.set(name, h);
  }
  addGroup(inv, group, at).hosts.add(name);
  return h;
}

export function addChild(inv: AnsibleInventory, parent: string, child: string, at: Loc): void {
  addGroup(inv, parent, at).children.add(child);
  addGroup(inv, child, at).parents.add(parent);
}
