import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAnsible, ImportRefused } from '../../../engine/import/ansible/import.js';
import { Org } from '../../support/org.js';
import { ansibleInventory, ansibleSkipReason } from './oracle.js';

const skip = ansibleSkipReason();
if (skip) console.warn(`test/import/ansible/import.test.ts skipped: ${skip}`);
const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

const MAPPING = `output: inventory/ansible-hosts.yaml
systems: { webservers: payroll, dbservers: payroll, monitoring: intranet }
rings: { monitoring: pilot }
baselines: { webservers: debian-12-web }
tags: { prod: production }
variables: { http_port: http_port, app_env: app_env }
defaults: { ring: broad, baseline: debian-12-server }
`;

interface HostDoc {
  name: string;
  address: string;
  port?: number;
  user?: string;
  identity_file?: string;
  [k: string]: unknown;
}
const hostsOf = (org: Org): HostDoc[] => (parse(readFileSync(join(org.dir, 'inventory/ansible-hosts.yaml'), 'utf8')) as { hosts: HostDoc[] }).hosts;

describe.skipIf(skip)('plumb inventory import ansible', () => {
  let org: Org;
  let source: string;
  const scratch: string[] = [];
  const temp = () => {
    const d = mkdtempSync(join(tmpdir(), 'plumb-ansible-'));
    scratch.push(d);
    return d;
  };
  beforeAll(() => {
    const empty = join(temp(), 'lab.yaml');
    writeFileSync(empty, 'hosts: []\n');
    org = new Org(empty);
    org.write('ansible-mapping.yaml', MAPPING);
    source = join(temp(), 'inventory');
    cpSync(join(FIXTURES, 'dir-inventory'), source, { recursive: true });
  });
  afterAll(() => {
    org?.cleanup();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  it('imports the hosts with the connection variables ansible-inventory resolves, and lists what it cannot map', async () => {
    const r = await importAnsible({ repo: org.dir, source });
    expect(r.written).toBe(true);
    const oracle = ansibleInventory(source);
    const hosts = hostsOf(org);
    // mon1 is in webservers (payroll) and monitoring (intranet): not imported, and listed.
    expect(r.unmappable).toContainEqual(expect.objectContaining({ kind: 'host', name: 'mon1', reason: expect.stringMatching(/different systems/) }));
    expect(hosts.map((h) => h.name).sort()).toEqual(Object.keys(oracle.hostvars).filter((h) => h !== 'mon1').sort());
    for (const h of hosts) {
      const v = oracle.hostvars[h.name]!;
      expect({ name: h.name, address: h.address, port: h.port, user: h.user, identity_file: h.identity_file }).toEqual({
        name: h.name,
        address: v.ansible_host ?? h.name,
        port: v.ansible_port,
        user: v.ansible_user,
        identity_file: v.ansible_ssh_private_key_file,
      });
    }
    expect(hosts.find((h) => h.name === 'web2')).toMatchObject({ system: 'payroll', baseline: 'debian-12-web', ring: 'broad', tags: ['production'], variables: { app_env: 'production', http_port: 80 } });
    expect(r.unmappable).toContainEqual(expect.objectContaining({ kind: 'variable', name: 'ntp_server', hosts: 7 }));
    expect(r.unmappable).toContainEqual(expect.objectContaining({ kind: 'variable', name: 'ansible_host_suffix', at: expect.objectContaining({ line: 2 }) }));
    expect(org.plumb('validate').code).toBe(0);
  });

  it('a re-import keeps every hand-written field and changes only what changed on the Ansible side', async () => {
    const file = join(org.dir, 'inventory/ansible-hosts.yaml');
    // A person adds what cannot be gathered, a tag and a variable of their own, and a comment.
    const hand = readFileSync(file, 'utf8')
      .replace(/(  - name: web1\n)/, '$1    # racked in March\n')
      .replace(/(  - name: db1\n(?:    .*\n)*?    ring: broad\n)/, '$1    owner: Finance IT\n    location: DC1 rack 4 U12\n    host_keys: ["SHA256:Ie74WYVkDFTeGBB1kgZCrGsoFmN9SPEm4FrlCoVKqrQ"]\n')
      .replace(/(  - name: web3\n(?:    .*\n)*?    tags: )\[production\]/, '$1[production, pci]');
    writeFileSync(file, hand);
    // Nothing changed on the Ansible side: the file is not even rewritten.
    const again = await importAnsible({ repo: org.dir, source });
    expect(again.written).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(hand);

    // The Ansible side changes: a port in group_vars, a new host, a host gone.
    writeFileSync(join(source, 'host_vars/web2'), 'ansible_port: 2023\n');
    writeFileSync(join(source, '01-hosts'), readFileSync(join(source, '01-hosts'), 'utf8').replace('db2 ansible_host=10.0.0.22\n', 'db2 ansible_host=10.0.0.22\ndb4 ansible_host=10.0.0.24\n').replace('web[1:3]', 'web[1:2]\nweb3'));
    writeFileSync(join(source, '01-hosts'), readFileSync(join(source, '01-hosts'), 'utf8').replace('db1 ansible_host=10.0.0.21\n', ''));
    const r = await importAnsible({ repo: org.dir, source });
    expect(r.changes.filter((c) => c.change !== 'kept' || c.host === 'db1')).toEqual([
      { host: 'web2', change: 'updated', fields: ['port'] },
      { host: 'db4', change: 'added' },
      { host: 'db1', change: 'kept', note: expect.stringMatching(/no longer|not in the Ansible/) },
    ]);
    const after = readFileSync(file, 'utf8');
    const removed = hand.split('\n').filter((l) => !after.split('\n').includes(l));
    expect(removed).toEqual(['    port: 2022']);
    expect(after).toContain('    # racked in March\n');
    expect(after).toContain('    owner: Finance IT\n    location: DC1 rack 4 U12\n');
    expect(hostsOf(org).find((h) => h.name === 'web3')!.tags).toEqual(['production', 'pci']);
    expect(hostsOf(org).find((h) => h.name === 'web3')!.host_keys).toBeUndefined();
    expect(hostsOf(org).find((h) => h.name === 'db1')).toMatchObject({ owner: 'Finance IT', host_keys: ['SHA256:Ie74WYVkDFTeGBB1kgZCrGsoFmN9SPEm4FrlCoVKqrQ'] });

    // --prune removes the host Ansible dropped, and only that.
    const pruned = await importAnsible({ repo: org.dir, source, prune: true });
    expect(pruned.changes.filter((c) => c.change !== 'kept')).toEqual([{ host: 'db1', change: 'removed' }]);
    expect(org.plumb('validate').code).toBe(0);
  });

  it('bad input is a located error and nothing is written', async () => {
    const file = join(org.dir, 'inventory/ansible-hosts.yaml');
    const before = readFileSync(file, 'utf8');
    const broken = join(temp(), 'hosts');
    writeFileSync(broken, '[web]\nweb1 ansible_port=22\nweb[01:] x=1\n[web:children]\nmissing\n');
    const err = await importAnsible({ repo: org.dir, source: broken }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportRefused);
    expect((err as ImportRefused).problems.map((p) => `${p.line}:${p.col}`)).toEqual(['3:1', '5:1']);
    expect(readFileSync(file, 'utf8')).toBe(before);

    // Through the CLI: file:line:col on stderr, exit 1, nothing written.
    const cli = org.plumb('inventory', 'import', 'ansible', broken);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/hosts:3:1: error: host pattern 'web\[01:\]'/);
    expect(readFileSync(file, 'utf8')).toBe(before);

    // A mapping naming a system nobody declared, an executable inventory script, a group_vars file with a list.
    org.write('bad-mapping.yaml', 'systems: { web: payrol }\n');
    const typo = await importAnsible({ repo: org.dir, source, mapping: 'bad-mapping.yaml' }).catch((e) => e);
    expect((typo as ImportRefused).problems).toEqual([expect.objectContaining({ file: 'bad-mapping.yaml', line: 1, code: 'dangling-reference' })]);
    const script = join(temp(), 'inventory.py');
    writeFileSync(script, '#!/bin/sh\ntouch /tmp/plumb-was-run\necho {}\n', { mode: 0o755 });
    const ran = await importAnsible({ repo: org.dir, source: script }).catch((e) => e);
    expect((ran as ImportRefused).problems[0]!.message).toMatch(/executable inventory script/);
    expect(existsSync('/tmp/plumb-was-run')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('never writes a credential, and never shows its value', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    db9:\n      ansible_host: 10.0.0.9\n      ansible_password: hunter2-secret\n      ansible_become_pass: !vault |\n        $ANSIBLE_VAULT;1.1;AES256\n        6162636465\n');
    const r = await importAnsible({ repo: org.dir, source: join(dir, 'hosts.yml'), dryRun: true });
    expect(r.unmappable.filter((u) => u.kind === 'variable').map((u) => [u.name, u.reason])).toEqual([
      ['ansible_password', expect.stringMatching(/credential/)],
      ['ansible_become_pass', expect.stringMatching(/credential/)],
    ]);
    // No group maps db9 to a system (and the mapping has no default): listed, not imported; nothing to write.
    expect(r.unmappable).toContainEqual(expect.objectContaining({ kind: 'host', name: 'db9', reason: expect.stringMatching(/no group maps it to a system/) }));
    const cli = org.plumb('inventory', 'import', 'ansible', join(dir, 'hosts.yml'), '--dry-run', '--json');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).unmappable).toHaveLength(3);
    expect(cli.stdout + cli.stderr).not.toMatch(/hunter2|6162636465/);
  });
});
