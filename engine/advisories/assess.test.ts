import { describe, expect, it } from 'vitest';
import type { Facts, InstalledPackage } from '../facts/types.js';
import { loadSnapshot } from '../model/load.js';
import { policyOf } from '../prioritize/policy.js';
import { Assessor } from './assess.js';
import { buildIndex } from './match.js';
import { indexBinaries, parsePackages } from './mirror-index.js';
import type { Advisory } from './types.js';

const NOW = new Date('2026-11-25T12:00:00Z');

const files: Record<string, string> = {
  'inventory/systems.yaml': 'systems:\n  - { name: payroll, impact: high, owner: Finance IT }\n  - { name: intranet, impact: moderate, owner: Workplace IT }\n',
  'inventory/hosts.yaml': `hosts:
  - { name: web, address: 10.0.0.1, system: payroll, baseline: b, ring: pilot, tags: [internet-facing], criticality: high }
  - { name: db, address: 10.0.0.2, system: payroll, baseline: b, ring: broad, criticality: critical }
  - { name: wiki, address: 10.0.0.3, system: intranet, baseline: b, ring: broad }
`,
  'inventory/rollout.yaml': 'rings:\n  - { name: pilot }\n  - { name: broad }\n',
  'inventory/board.yaml': 'board:\n  members:\n    - { id: bob, name: Bob, email: bob@example.org }\n',
  'baselines/b.yaml': 'name: b\nplatform: { os: debian, versions: ">= 12, < 13" }\n',
  // Names the DSA: answers openssl everywhere; approved for pilot only.
  'remediations/PLB-1.yaml': 'id: PLB-1\ntitle: openssl\nadvisories: [DSA-1-1]\nseverity: high\nkind: patch\nselector:\n  platforms: [{ os: debian }]\n  package: { name: openssl, source: true, affected: "< 3.0.22-1" }\naction:\n  packages: [{ name: libssl3, version: "3.0.22-1" }]\nproposed_by: dave\n',
  'remediations/approvals/APR-1.yaml': 'id: APR-1\nremediation: PLB-1\nrings: [pilot]\napprover: bob\ndate: 2026-01-01\nticket: CHG-1\n',
  // Selects the package by range, for the intranet only.
  'remediations/PLB-2.yaml': 'id: PLB-2\ntitle: zlib\nseverity: low\nkind: patch\nselector:\n  systems: [intranet]\n  package: { name: zlib, source: true, affected: "< 1:1.3-1" }\naction:\n  packages: [{ name: zlib1g, version: "1:1.3-1" }]\nproposed_by: dave\n',
  // The db host may keep its vulnerable openssl (through the remediation); wiki's curl is a known false positive.
  'remediations/exceptions/EXC-1.yaml': 'id: EXC-1\nhost: db\nremediation: PLB-1\nkind: deferral\nreason: vendor certification\napprover: bob\nexpires: 2027-01-01\n',
  'remediations/exceptions/EXC-2.yaml': 'id: EXC-2\nsystem: intranet\nfinding: vulnerability:CVE-2026-3000\nkind: false-positive\nreason: the affected code is not built\napprover: bob\nexpires: 2027-01-01\n',
};
const snapshot = { commit: null, files: Object.entries(files).map(([path, text]) => ({ path, bytes: new TextEncoder().encode(text) })) };
const loaded = loadSnapshot(snapshot, { now: NOW });

const pkg = (name: string, version: string, source = name, sourceVersion = version): InstalledPackage => ({ name, version, arch: 'amd64', status: 'installed', source, sourceVersion });
const facts = (host: string, ...pkgs: InstalledPackage[]): Facts => ({
  host,
  gatheredAt: NOW.toISOString(),
  os: { id: 'debian', versionId: '12' },
  kernel: '6.1.0',
  arch: 'amd64',
  platform: 'apt',
  packages: Object.fromEntries(pkgs.map((p) => [p.name, p])),
  held: [],
  files: {},
  settings: {},
  services: {},
  sysctl: {},
  listening: [],
  rebootRequired: false,
  rebootPackages: [],
  uptimeSeconds: 1,
  unknown: [],
});
const osv = (id: string, aliases: string[], pkgName: string, fixed: string, over: Partial<Advisory> = {}): Advisory & { knew: string } => ({
  id,
  source: 'osv',
  aliases,
  modified: '2026-11-01T00:00:00Z',
  modifiedFrom: 'record',
  severity: 'high',
  references: [],
  affected: [{ ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, package: pkgName, packageKind: 'source', scheme: 'deb', status: 'affected', fixed, ranges: [{ fixed }] }],
  origin: { location: 'x', pointer: '' },
  knew: '2026-11-20T00:00:00Z',
  ...over,
});
const advisories = [
  osv('DSA-1-1', ['CVE-2026-1000', 'CVE-2026-1001'], 'openssl', '3.0.22-1'),
  // The tracker's view of one of the DSA's CVEs: grouped with it into one vulnerability.
  osv('CVE-2026-1001', [], 'openssl', '3.0.21-1', { source: 'debian-tracker', severity: 'critical' }),
  osv('DSA-2-1', ['CVE-2026-2000'], 'zlib', '1:1.3-1', { severity: 'low' }),
  osv('DSA-3-1', ['CVE-2026-3000'], 'curl', '8.0-1'),
  osv('DSA-4-1', ['CVE-2026-4000'], 'bash', '5.3-1'),
  // A VEX statement: bash on Debian 12 is not affected by CVE-2026-4000 after all.
  osv('VEX-4', ['CVE-2026-4000'], 'bash', '0', { affected: [{ ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, package: 'bash', packageKind: 'source', scheme: 'deb', status: 'not-affected' }] }),
];
const mirror = indexBinaries(policyOf({ policy: { mirrors: [{ url: 'http://m/', suites: ['s'], platform: { os: 'debian' }, keyring: 'k.gpg' }] } } as never).mirrors[0]!, [], parsePackages('Package: libssl3\nVersion: 3.0.22-1\nArchitecture: amd64\nSource: openssl\n\nPackage: openssl\nVersion: 3.0.22-1\nArchitecture: amd64\n', 's'));
const assessor = (mirrors: Array<typeof mirror> | null = [mirror]) => new Assessor({ model: loaded.model, index: buildIndex(advisories), mirrors, policy: policyOf(loaded.model), now: NOW });
const host = (name: string) => loaded.model.hosts.get(name)!;
const ssl = [pkg('libssl3', '3.0.20-1', 'openssl'), pkg('openssl', '3.0.20-1')];

describe('assessing a host', () => {
  it('the example loads without problems', () => {
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('groups matches per source package and vulnerability, with the highest fix, the fix on the mirror and the priority', () => {
    const r = assessor().host(host('web'), facts('web', ...ssl));
    expect(r.entries).toHaveLength(1);
    const e = r.entries[0]!;
    expect(e).toMatchObject({
      vulnerability: 'CVE-2026-1000',
      ids: ['CVE-2026-1000', 'CVE-2026-1001'],
      advisories: ['CVE-2026-1001', 'DSA-1-1'],
      severity: 'critical',
      sourcePackage: 'openssl',
      fixed: '3.0.22-1',
      packages: [
        { name: 'libssl3', installedVersion: '3.0.20-1', fixed: '3.0.22-1' },
        { name: 'openssl', installedVersion: '3.0.20-1', fixed: '3.0.22-1' },
      ],
      mirror: { available: true, versions: { libssl3: '3.0.22-1', openssl: '3.0.22-1' } },
      open: true,
    });
    // critical 10 + high impact 4 + criticality high 3 + internet-facing 4 + exploit assumed 3 = 24: tier high.
    expect(e.priority).toMatchObject({ tier: 'high', score: 24, deadline: '2026-11-27T00:00:00.000Z', overdue: false });
  });

  it('names the remediation that answers it and whether the host ring is approved', () => {
    const web = assessor().host(host('web'), facts('web', ...ssl)).entries[0]!;
    expect(web.remediations).toEqual([expect.objectContaining({ id: 'PLB-1', by: 'advisory', applies: true, approved: true, approval: 'APR-1', source: 'remediations/PLB-1.yaml:1' })]);
    const wiki = assessor().host(host('wiki'), facts('wiki', ...ssl)).entries[0]!;
    expect(wiki.remediations).toEqual([expect.objectContaining({ id: 'PLB-1', applies: true, approved: false, awaiting: 'approved for pilot, not for ring broad' })]);
    expect(wiki.open).toBe(true);
  });

  it('finds a remediation by its package range, and says when its selector leaves the host out', () => {
    const z = [pkg('zlib1g', '1:1.2.13-1', 'zlib')];
    expect(assessor().host(host('wiki'), facts('wiki', ...z)).entries[0]!.remediations).toEqual([expect.objectContaining({ id: 'PLB-2', by: 'package', applies: true, approved: false, awaiting: 'no approval' })]);
    expect(assessor().host(host('web'), facts('web', ...z)).entries[0]!.remediations).toEqual([expect.objectContaining({ id: 'PLB-2', applies: false, why: 'system not selected' })]);
  });

  it('an exception through the remediation or the finding closes it; a VEX statement marks it not affected', () => {
    const db = assessor().host(host('db'), facts('db', ...ssl)).entries[0]!;
    expect(db).toMatchObject({ open: false, exception: { id: 'EXC-1', kind: 'deferral', via: 'remediation' } });
    const wiki = assessor().host(host('wiki'), facts('wiki', pkg('curl', '7.88-1'), pkg('bash', '5.2-1')));
    expect(wiki.entries.find((e) => e.sourcePackage === 'curl')).toMatchObject({ open: false, exception: { id: 'EXC-2', kind: 'false-positive', via: 'finding' } });
    expect(wiki.entries.find((e) => e.sourcePackage === 'bash')).toMatchObject({ open: false, status: 'not-affected', suppressedBy: 'VEX-4' });
    expect(wiki.entries.find((e) => e.sourcePackage === 'bash')!.priority).toBeUndefined();
    // The same curl on a payroll host has no exception.
    expect(assessor().host(host('web'), facts('web', pkg('curl', '7.88-1'))).entries[0]).toMatchObject({ open: true, remediations: [] });
  });

  it('says what it cannot know: no mirror consulted, no mirror for the release, no fix on the mirror, no OS', () => {
    expect(assessor(null).host(host('web'), facts('web', ...ssl)).entries[0]!.mirror).toEqual({ available: null, note: 'the mirror was not consulted' });
    expect(assessor([]).host(host('web'), facts('web', ...ssl)).entries[0]!.mirror).toMatchObject({ available: null, note: expect.stringContaining('no mirror') });
    expect(assessor().host(host('web'), facts('web', pkg('curl', '7.88-1'))).entries[0]!.mirror).toMatchObject({ available: false, missing: ['curl'] });
    expect(assessor().host(host('web'), { ...facts('web'), os: null })).toMatchObject({ entries: [], unknown: 'the OS is unknown' });
    expect(assessor().host(host('web'), facts('web', pkg('zlib1g', 'not a version!', 'zlib')))).toMatchObject({ entries: [], unorderable: [{ package: 'zlib1g', version: 'not a version!' }] });
  });
});
