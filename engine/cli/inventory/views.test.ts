import { describe, expect, it } from 'vitest';
import { buildIndex } from '../../advisories/match.js';
import type { Advisory } from '../../advisories/types.js';
import type { Facts, InstalledPackage } from '../../facts/types.js';
import { loadSnapshot } from '../../model/load.js';
import { resourceList, supported, unsupported } from './views.js';

const files: Record<string, string> = {
  'inventory/i.yaml': `systems:
  - { name: payroll, impact: high, owner: Finance IT, security_officer: ISSO, administrators: [dave] }
  - { name: lab, impact: low, owner: Lab }
hosts:
  - { name: web, address: 10.0.0.1, port: 2222, system: payroll, baseline: web, ring: r, location: DC1, property_number: FIN-1, owner: Finance, tags: [internet-facing] }
  - { name: db, address: 10.0.0.2, system: payroll, baseline: web, ring: r }
  - { name: old, address: 10.0.0.3, system: payroll, baseline: web, ring: r }
rings:
  - { name: r }
`,
  'baselines/base.yaml': 'name: base\nplatform: { os: debian, versions: ">= 12, < 13" }\npackages:\n  required: [{ name: openssh-server, min_version: "1:9.2p1-2" }]\n  forbidden: [{ name: telnetd }]\n',
  'baselines/web.yaml': 'name: web\nextends: base\npackages:\n  required: [{ name: nginx }]\n',
};
const { model } = loadSnapshot({ commit: null, files: Object.entries(files).map(([path, t]) => ({ path, bytes: new TextEncoder().encode(t) })) });
const pkg = (name: string, source = name, status = 'installed'): InstalledPackage => ({ name, version: '1.0-1', arch: 'amd64', status, source, sourceVersion: '1.0-1' });
const facts = (host: string, versionId: string, ...pkgs: InstalledPackage[]): Facts => ({
  host,
  gatheredAt: '2026-11-25T00:00:00Z',
  os: { id: 'debian', versionId, prettyName: `Debian GNU/Linux ${versionId}` },
  kernel: '6.1.0-28-amd64',
  arch: 'amd64',
  platform: 'apt',
  packages: Object.fromEntries(pkgs.map((p) => [p.name, p])),
  held: [],
  files: {},
  settings: {},
  services: { 'ssh.service': { state: 'enabled', active: 'active' }, 'rsync.service': { state: 'disabled', active: 'inactive' } },
  sysctl: {},
  listening: [
    { proto: 'tcp', address: '0.0.0.0', port: 443, process: 'nginx' },
    { proto: 'tcp', address: '::', port: 443, process: 'nginx' },
    { proto: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' },
  ],
  rebootRequired: false,
  rebootPackages: [],
  uptimeSeconds: 1,
  unknown: [],
});
const advisory: Advisory = { id: 'DSA-1-1', source: 'osv', aliases: [], modified: '2026-01-01T00:00:00Z', modifiedFrom: 'record', severity: 'high', references: [], origin: { location: 'x', pointer: '' }, affected: [{ ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, package: 'openssl', packageKind: 'source', scheme: 'deb', status: 'affected', fixed: '3.0-1' }] };
const index = buildIndex([advisory]);
const hosts = [...model.hosts.values()];
const all = new Map([
  ['web', facts('web', '12', pkg('nginx'), pkg('libssl3', 'openssl'), pkg('bash'), pkg('libfoo1', 'foo'), pkg('foo-data', 'foo'), pkg('gone', 'gone', 'config-files'))],
  ['db', facts('db', '12', pkg('bash'), pkg('libfoo1', 'foo'))],
  ['old', facts('old', '11', pkg('bash'))],
]);

describe('inventory views', () => {
  it('joins inventory fields with facts, per system; every system is listed, one system alone on request', () => {
    const list = resourceList(model, hosts, all, new Map());
    expect(list.map((s) => [s.name, s.hosts.length])).toEqual([
      ['lab', 0],
      ['payroll', 3],
    ]);
    const web = list[1]!.hosts.find((h) => h.host === 'web')!;
    expect(web).toMatchObject({ address: '10.0.0.1:2222', impact: 'high', owner: 'Finance', location: 'DC1', propertyNumber: 'FIN-1', administrators: ['dave'], tags: ['internet-facing'] });
    expect(web.facts).toEqual({ os: 'Debian GNU/Linux 12', kernel: '6.1.0-28-amd64', arch: 'amd64', packages: 5, enabledServices: ['ssh.service'], listening: ['tcp/22 (sshd)', 'tcp/443 (nginx)'], rebootRequired: false, gatheredAt: '2026-11-25T00:00:00Z' });
    const one = resourceList(model, hosts, new Map([['web', all.get('web')!]]), new Map([['db', { code: 'E_SSH_CONNECT', message: 'refused' }]]), 'payroll');
    expect(one.map((s) => s.name)).toEqual(['payroll']);
    expect(one[0]!.hosts.find((h) => h.host === 'db')).toMatchObject({ error: { code: 'E_SSH_CONNECT' } });
    expect(resourceList(model, hosts, null, new Map())[1]!.hosts[0]!.facts).toBeUndefined();
  });

  it('lists the releases and software that baselines and advisories cover', () => {
    const v = supported(model, index);
    expect(v.platforms).toEqual([{ os: 'debian', versions: '>= 12, < 13', baselines: ['base', 'web'] }]);
    expect(v.advisoryReleases).toEqual([{ os: 'debian', release: '12', packages: 1 }]);
    expect(v.baselinePackages).toEqual([
      { name: 'nginx', required: ['web'], forbidden: [], versions: [] },
      { name: 'openssh-server', required: ['base', 'web'], forbidden: [], versions: ['>= 1:9.2p1-2'] },
      { name: 'telnetd', required: [], forbidden: ['base', 'web'], versions: [] },
    ]);
    expect(v.advisoryPackages).toEqual([{ os: 'debian', release: '12', package: 'openssl', kind: 'source' }]);
  });

  it('lists installed software nothing covers, per source with host counts, and hosts on an uncovered release', () => {
    const v = unsupported(model, index, hosts, all);
    expect(v.hosts).toEqual([{ host: 'old', system: 'payroll', os: 'debian 11' }]);
    expect(v.packages).toEqual([
      { source: 'bash', binaries: ['bash'], versions: ['1.0-1'], hosts: 3, systems: ['payroll'], examples: ['db', 'old', 'web'] },
      { source: 'foo', binaries: ['foo-data', 'libfoo1'], versions: ['1.0-1'], hosts: 2, systems: ['payroll'], examples: ['db', 'web'] },
    ]);
    expect(v).toMatchObject({ examined: 3, installedSources: 4 });
  });
});
