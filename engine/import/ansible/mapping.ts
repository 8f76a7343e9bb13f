import type { AnsibleMapping, Host } from '../../model/types.js';
import { VaultedValue, type Loc, type ResolvedHost, type VarValue } from './types.js';

/** One host as the import would write it: the fields it owns, and which tags and variables it manages. */
export interface ImportedHost {
  name: string;
  fields: Partial<Host>;
  at: Loc;
}

/** Something in the Ansible inventory that does not become part of a host; listed, never silently dropped. */
export interface Unmappable {
  kind: 'host' | 'variable' | 'group';
  /** The host, variable or group name. */
  name: string;
  reason: string;
  at: Loc;
  /** For variables and groups: how many hosts have it. */
  hosts?: number;
}

export interface MappedInventory {
  hosts: ImportedHost[];
  unmappable: Unmappable[];
  /** Tags and variable names the mapping manages: only these are added or removed on existing hosts. */
  managedTags: Set<string>;
  managedVariables: Set<string>;
}

/** The connection variables the import reads, canonical name first (Ansible's older aliases after). */
const CONNECTION: Record<'address' | 'port' | 'user' | 'identity_file', string[]> = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  identity_file: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
};
const HANDLED = new Set([...Object.values(CONNECTION).flat(), 'ansible_connection', 'ansible_become', 'ansible_become_method']);
/** Never imported, and their values never shown: credentials belong in ssh-agent or a key file, not in git. */
const SECRET = /(pass(word)?|secret|token|_key$)/i;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ADDRESS = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/;
const UNIX_NAME = /^[a-z_][a-z0-9_-]{0,31}\$?$/;
const ABSOLUTE_PATH = /^(?:\/(?!\.{1,2}(?:\/|$))[A-Za-z0-9._@+,=-]+)+$/;

/**
 * The mapping applied to Ansible's hosts (pure). Connection variables become address, port, user, identity_file,
 * transport (ansible_connection: local) and sudo (ansible_become); groups become system, ring, baseline and tags
 * as the mapping says; mapped variables become `variables:`. A host that cannot be a valid inventory host (no
 * system, an address plumb cannot use, a template where a value should be, a non-SSH connection) is listed and
 * left out; so are variables and groups the mapping does not use. A variable's value is never part of a listing.
 */
export function mapInventory(hosts: ResolvedHost[], mapping: AnsibleMapping): MappedInventory {
  const unmappable: Unmappable[] = [];
  const managedTags = new Set(Object.values(mapping.tags ?? {}).flatMap((t) => (t === undefined ? [] : Array.isArray(t) ? t : [t])));
  const managedVariables = new Set(Object.values(mapping.variables ?? {}).filter((v): v is string => v !== undefined));
  const usedGroups = new Set([...Object.keys(mapping.systems ?? {}), ...Object.keys(mapping.rings ?? {}), ...Object.keys(mapping.baselines ?? {}), ...Object.keys(mapping.tags ?? {})]);
  const unusedVars = new Map<string, { at: Loc; hosts: number; secret: boolean }>();
  const unusedGroups = new Map<string, { at: Loc; hosts: number }>();
  const out: ImportedHost[] = [];

  for (const h of hosts) {
    const problems: string[] = [];
    const text = (key: string): { v?: string; at?: Loc } => {
      const x = CONNECTION[key as keyof typeof CONNECTION].map((n) => h.vars.get(n)).find((v) => v !== undefined);
      if (!x) return {};
      const why = unusable(x);
      if (why) problems.push(`${CONNECTION[key as keyof typeof CONNECTION][0]} ${why}`);
      return { v: why ? undefined : String(x.value), at: x.at };
    };
    const fields: Partial<Host> = { name: h.name };
    if (!NAME.test(h.name)) problems.push(`the name is not a plumb host name (letters, digits, '.', '_', '-', at most 63)`);

    const address = text('address').v ?? h.name;
    if (ADDRESS.test(address)) fields.address = address;
    else problems.push(`the address '${printable(address)}' is not a DNS name or IP address`);
    const port = text('port').v;
    if (port !== undefined) {
      const n = Number(port);
      if (/^[0-9]+$/.test(port) && n >= 1 && n <= 65535) fields.port = n;
      else problems.push('ansible_port is not a port number');
    }
    const user = text('user').v;
    if (user !== undefined) {
      if (UNIX_NAME.test(user)) fields.user = user;
      else problems.push('ansible_user is not a user name');
    }
    const key = text('identity_file').v;
    if (key !== undefined) {
      if (ABSOLUTE_PATH.test(key)) fields.identity_file = key;
      else problems.push(`ansible_ssh_private_key_file is not an absolute path without spaces or '~' (plumb resolves no home directory)`);
    }
    const connection = h.vars.get('ansible_connection');
    if (connection) {
      const c = String(connection.value);
      if (c === 'local') fields.transport = 'local';
      else if (!['ssh', 'paramiko', 'smart'].includes(c)) problems.push(`ansible_connection '${printable(c)}': plumb reaches hosts over SSH or locally`);
    }
    const become = h.vars.get('ansible_become');
    const method = h.vars.get('ansible_become_method');
    if (become && truthy(become.value)) {
      if (method && String(method.value) !== 'sudo') problems.push(`ansible_become_method '${printable(String(method.value))}': plumb becomes root through sudo only`);
      else if ((fields.user ?? 'root') !== 'root') fields.sudo = true;
    }

    const pick = (section: Record<string, string | undefined> | undefined, field: 'system' | 'ring' | 'baseline') => {
      const hits = h.groups.filter((g) => section?.[g] !== undefined).map((g) => ({ g, v: section![g]! }));
      const values = [...new Set(hits.map((x) => x.v))];
      if (values.length > 1) problems.push(`its groups map to different ${field}s: ${hits.map((x) => `${x.g} → ${x.v}`).join(', ')}`);
      const v = values.length === 1 ? values[0] : mapping.defaults?.[field];
      if (v !== undefined) fields[field] = v;
      else if (values.length === 0) problems.push(`no group maps it to a ${field} and the mapping has no default`);
    };
    pick(mapping.systems, 'system');
    pick(mapping.baselines, 'baseline');
    pick(mapping.rings, 'ring');
    const tags = [...new Set(h.groups.flatMap((g) => {
      const t = mapping.tags?.[g];
      return t === undefined ? [] : Array.isArray(t) ? t : [t];
    }))].sort();
    if (tags.length) fields.tags = tags;

    const variables: Record<string, string | number | boolean> = {};
    for (const [name, v] of h.vars) {
      const target = mapping.variables?.[name];
      if (target !== undefined) {
        const why = unusable(v) ?? (typeof v.value === 'object' && v.value !== null ? 'is a list or mapping (host variables are text, numbers or booleans)' : v.value === null ? 'is empty' : undefined);
        if (why) problems.push(`${name} ${why}`);
        else variables[target] = v.value as string | number | boolean;
      } else if (!HANDLED.has(name)) {
        const u = unusedVars.get(name) ?? unusedVars.set(name, { at: v.at, hosts: 0, secret: SECRET.test(name) || v.value instanceof VaultedValue }).get(name)!;
        u.hosts++;
      }
    }
    if (Object.keys(variables).length) fields.variables = Object.fromEntries(Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const g of h.groups) {
      if (usedGroups.has(g) || g === 'ungrouped') continue;
      (unusedGroups.get(g) ?? unusedGroups.set(g, { at: h.at, hosts: 0 }).get(g)!).hosts++;
    }

    if (problems.length) unmappable.push({ kind: 'host', name: h.name, reason: problems.join('; '), at: h.at });
    else out.push({ name: h.name, fields, at: h.at });
  }
  for (const [name, u] of unusedVars) {
    unmappable.push({ kind: 'variable', name, at: u.at, hosts: u.hosts, reason: u.secret ? 'a credential or vaulted value: never imported (use ssh-agent or a key file)' : 'the mapping does not name it (variables:)' });
  }
  for (const [name, u] of unusedGroups) unmappable.push({ kind: 'group', name, at: u.at, hosts: u.hosts, reason: 'the mapping does not use it (systems:, rings:, baselines:, tags:)' });
  return { hosts: out, unmappable, managedTags, managedVariables };
}

/** Why a value cannot be used as written, or undefined: vaulted, or a Jinja template Ansible would render. */
function unusable(v: VarValue): string | undefined {
  if (v.value instanceof VaultedValue) return 'is vault-encrypted (plumb never decrypts)';
  if (typeof v.value === 'string' && /\{\{|\{%/.test(v.value)) return 'is a Jinja template (plumb renders none)';
  return undefined;
}

function truthy(v: unknown): boolean {
  return v === true || (typeof v === 'string' && ['yes', 'true', 'on', '1', 'y'].includes(v.toLowerCase())) || v === 1;
}

/** Text from the inventory in a reason: control characters and anything past 64 characters are not shown. */
function printable(s: string): string {
  const clean = s.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 61)}...` : clean;
}
