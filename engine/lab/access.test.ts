import { describe, expect, it } from 'vitest';
import { parseYaml } from '../model/yaml.js';
import { validateDocument } from '../model/validate.js';
import { inventoryYaml, knownHosts, sourcesLine, sshConfig } from './access.js';
import type { LabHost } from './types.js';

const host = (i: number, ring: string): LabHost => ({
  name: `lab-${i}`,
  address: `10.213.4.${10 + i}`,
  port: 22,
  netns: `plumb-default-${i}`,
  veth: `plv-default-${i}`,
  pid: 100 + i,
  pidStartTime: 1,
  initPid: 200 + i,
  initStartTime: 2,
  fingerprints: ['SHA256:Ie74WYVkDFTeGBB1kgZCrGsoFmN9SPEm4FrlCoVKqrQ', 'SHA256:gMnCR9UPXRQn0JmgtWlRBFzxEUFogryNq/E9qdin8J4'],
  hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA', 'ecdsa-sha2-nistp256 AAAAE2VjZHNh'],
  ring,
  dir: `/var/lib/plumbline/lab/default/hosts/lab-${i}`,
});

describe('host access files', () => {
  const hosts = [host(1, 'pilot'), host(2, 'broad')];

  it('pins every host key under the host address and name', () => {
    expect(knownHosts(hosts).split('\n')).toEqual([
      '10.213.4.11,lab-1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA',
      '10.213.4.11,lab-1 ecdsa-sha2-nistp256 AAAAE2VjZHNh',
      '10.213.4.12,lab-2 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA',
      '10.213.4.12,lab-2 ecdsa-sha2-nistp256 AAAAE2VjZHNh',
      '',
    ]);
    expect(knownHosts([{ ...hosts[0]!, port: 2222 }])).toMatch(/^\[10\.213\.4\.11\]:2222,\[lab-1\]:2222 /);
  });

  it('writes an ssh_config with strict host key checking against the lab known_hosts', () => {
    const cfg = sshConfig(hosts, '/s/id_ed25519', '/s/known_hosts', 'default');
    expect(cfg).toContain('Host lab-1 10.213.4.11\n  HostName 10.213.4.11\n');
    expect(cfg).toContain('  StrictHostKeyChecking yes\n');
    expect(cfg).toContain('  UserKnownHostsFile /s/known_hosts\n');
    expect(cfg).toContain('  IdentityFile /s/id_ed25519\n');
  });

  it('writes an inventory document that the project schema accepts', () => {
    const text = inventoryYaml(hosts, { system: 'lab', baseline: 'debian-12-server', keyPath: '/var/lib/plumbline/lab/default/id_ed25519', lab: 'default' });
    const parsed = parseYaml('inventory/lab.yaml', Buffer.from(text));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(validateDocument('inventory', parsed.doc)).toEqual([]);
    const doc = parsed.doc.value as { hosts: Array<Record<string, unknown>> };
    expect(doc.hosts.map((h) => [h.name, h.ring, h.user, h.port])).toEqual([
      ['lab-1', 'pilot', 'root', 22],
      ['lab-2', 'broad', 'root', 22],
    ]);
    expect(doc.hosts[0]!.host_keys).toEqual(hosts[0]!.fingerprints);
  });

  it('points apt at the mirror with the lab key as the only trusted signer', () => {
    expect(sourcesLine('http://10.213.4.1/', 'plumb-bookworm', '/etc/apt/keyrings/plumb-lab-mirror.gpg')).toBe(
      'deb [signed-by=/etc/apt/keyrings/plumb-lab-mirror.gpg] http://10.213.4.1/ plumb-bookworm main',
    );
  });
});
