import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why the real ansible-inventory cannot be asked here, or undefined. */
export function ansibleSkipReason(): string | undefined {
  if (!existsSync('/usr/bin/ansible-inventory')) return 'ansible-inventory is not installed (apt-get install ansible-core)';
  return undefined;
}

export interface OracleInventory {
  /** host → every variable ansible-inventory --list shows for it */
  hostvars: Record<string, Record<string, unknown>>;
  /** host → every group it is in, ancestors included, without all */
  groups: Record<string, string[]>;
}

/**
 * `ansible-inventory -i PATH --list`, run from an empty directory with a private HOME and no ansible.cfg, so
 * nothing but the inventory decides the answer.
 */
export function ansibleInventory(path: string): OracleInventory {
  const scratch = mkdtempSync(join(tmpdir(), 'plumb-ansible-'));
  let out: string;
  try {
    out = execFileSync('ansible-inventory', ['-i', path, '--list'], {
    cwd: scratch,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch, ANSIBLE_LOCAL_TEMP: scratch, ANSIBLE_CONFIG: join(scratch, 'none.cfg'), ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const data = JSON.parse(out) as Record<string, { hosts?: string[]; children?: string[] }> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };
  const groups: Record<string, Set<string>> = {};
  const hostsOf = (g: string, seen = new Set<string>()): string[] => {
    if (seen.has(g)) return [];
    seen.add(g);
    const e = data[g] ?? {};
    return [...(e.hosts ?? []), ...(e.children ?? []).flatMap((c) => hostsOf(c, seen))];
  };
  const allHosts = new Set(hostsOf('all'));
  for (const h of allHosts) groups[h] = new Set();
  for (const g of Object.keys(data)) {
    if (g === '_meta' || g === 'all') continue;
    for (const h of hostsOf(g)) groups[h]!.add(g);
  }
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const h of allHosts) hostvars[h] = data._meta.hostvars[h] ?? {};
  return { hostvars, groups: Object.fromEntries(Object.entries(groups).map(([h, s]) => [h, [...s].sort()])) };
}
