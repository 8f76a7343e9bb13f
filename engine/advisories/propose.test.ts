import { describe, expect, it } from 'vitest';
import { remediationPath, remediationYaml } from '../cli/propose/yaml.js';
import { loadSnapshot } from '../model/load.js';
import { policyOf } from '../prioritize/policy.js';
import type { HostVulnerabilities, VulnerabilityEntry } from './assess.js';
import { indexBinaries, parsePackages } from './mirror-index.js';
import { nextIds, proposalGroups, releaseRange, remediationFor, type KnownRemediation } from './propose.js';

const NOW = new Date('2026-11-25T12:00:00Z');

const entry = (over: Partial<VulnerabilityEntry>): VulnerabilityEntry => ({
  vulnerability: 'CVE-2026-1000',
  ids: ['CVE-2026-1000'],
  advisories: ['DSA-1-1'],
  severity: 'high',
  sourcePackage: 'openssl',
  sourceVersion: '3.0.20-1',
  packages: [{ name: 'libssl3', installedVersion: '3.0.20-1', fixed: '3.0.22-1' }],
  fixed: '3.0.22-1',
  status: 'affected',
  mirror: { available: true },
  remediations: [],
  open: true,
  priority: { tier: 'normal', score: 10, deadline: '2026-12-20T00:00:00.000Z', deadlineFrom: 'tier', overdue: false, knew: '2026-11-20T00:00:00Z', reasons: [] },
  ...over,
});
const host = (name: string, system: string, ring: string, entries: VulnerabilityEntry[], os = 'debian 12'): HostVulnerabilities => ({ host: name, system, ring, os, entries, unorderable: [] });
const mirror = indexBinaries(
  policyOf({ policy: { mirrors: [{ url: 'http://m/', suites: ['s'], platform: { os: 'debian', versions: '>= 12, < 13' }, keyring: 'k.gpg' }] } } as never).mirrors[0]!,
  [],
  parsePackages('Package: libssl3\nVersion: 3.0.22-1+b1\nArchitecture: amd64\nSource: openssl (3.0.22-1)\n\nPackage: openssl\nVersion: 3.0.22-1\nArchitecture: amd64\n\nPackage: libssl3\nVersion: 3.0.23-1\nArchitecture: amd64\nSource: openssl\n', 's'),
);

describe('proposals', () => {
  const hosts = [
    host('web', 'payroll', 'pilot', [
      entry({}),
      // A second vulnerability in the same source, fixed later: one remediation for both, at the higher fix.
      entry({ vulnerability: 'CVE-2026-1100', ids: ['CVE-2026-1100'], advisories: ['DSA-2-1'], severity: 'critical', fixed: '3.0.23-1', priority: { tier: 'high', score: 20, deadline: '2026-12-01T00:00:00.000Z', deadlineFrom: 'tier', overdue: false, knew: '2026-11-24T00:00:00Z', reasons: [] } }),
      // Not proposable: excepted, no fix, already answered, not affected.
      entry({ sourcePackage: 'curl', open: false, exception: { id: 'EXC-1', kind: 'deferral', expires: '2027-01-01', source: 'x', via: 'finding' } }),
      entry({ sourcePackage: 'bash', fixed: undefined }),
      entry({ sourcePackage: 'zlib', remediations: [{ id: 'PLB-2026-0001', source: 'remediations/z.yaml:1', by: 'package', applies: true, approved: false }] }),
      entry({ sourcePackage: 'gzip', status: 'not-affected', open: false }),
    ]),
    host('wiki', 'intranet', 'broad', [entry({ packages: [{ name: 'libssl3', installedVersion: '3.0.20-1', fixed: '3.0.22-1' }, { name: 'openssl', installedVersion: '3.0.20-1', fixed: '3.0.22-1' }] })]),
    host('old', 'intranet', 'broad', [entry({ sourceVersion: '1.1.1w-0+deb11u1', fixed: '1.1.1w-0+deb11u2' })], 'debian 11'),
  ];

  it('groups open, fixable, unanswered vulnerabilities per source package and release', () => {
    const { groups, skipped } = proposalGroups({ hosts, known: [], mirrors: [mirror], judgedIn: 'working tree' });
    expect(groups.map((g) => [g.sourcePackage, `${g.os} ${g.release}`, g.fixed, g.severity, g.vulnerabilities])).toEqual([
      ['openssl', 'debian 12', '3.0.23-1', 'critical', 3],
      ['openssl', 'debian 11', '1.1.1w-0+deb11u2', 'high', 1],
    ]);
    const g = groups[0]!;
    expect(g).toMatchObject({ advisories: ['DSA-1-1', 'DSA-2-1'], ids: ['CVE-2026-1000', 'CVE-2026-1100'], tier: 'high', deadline: '2026-12-01T00:00:00.000Z' });
    expect(g.hosts.map((h) => h.host)).toEqual(['web', 'wiki']);
    // libssl3's build of the higher fix is on the mirror; openssl's is not, so its version is the source version.
    expect(g.packages).toEqual([
      { name: 'libssl3', version: '3.0.23-1', from: 'mirror' },
      { name: 'openssl', version: '3.0.23-1', from: 'source-version' },
    ]);
    expect(g.fixOnMirror).toBe(false);
    expect(groups[1]!.fixOnMirror).toBeNull(); // no mirror serves Debian 11
    expect(skipped).toEqual([{ sourcePackage: 'zlib', release: 'debian 12', vulnerabilities: ['CVE-2026-1000'], reason: 'already answered by PLB-2026-0001 (working tree, remediations/z.yaml:1)' }]);
  });

  it('never proposes what a known remediation answers, by advisory or CVE, or by package and installed version', () => {
    const known = (over: Partial<KnownRemediation>): KnownRemediation => ({ id: 'PLB-X', where: 'branch plumb/propose-x', selector: {}, ...over });
    const byId = proposalGroups({ hosts, known: [known({ advisories: ['cve-2026-1100'] })], mirrors: null });
    expect(byId.groups.map((g) => g.release)).toEqual(['11']);
    expect(byId.skipped.find((s) => s.sourcePackage === 'openssl')).toMatchObject({ release: 'debian 12', reason: 'already answered by PLB-X (branch plumb/propose-x)' });
    const byPackage = proposalGroups({ hosts, known: [known({ selector: { package: { name: 'openssl', source: true, affected: '< 3.0.21-1' } } })], mirrors: null });
    expect(byPackage.groups).toEqual([]);
    const notCovering = proposalGroups({ hosts, known: [known({ selector: { package: { name: 'openssl', source: true, affected: '< 1.0' } } })], mirrors: null });
    expect(notCovering.groups).toHaveLength(2);
  });

  it('leaves out, with the reason, a group whose names a remediation could not carry (a host reporting odd package names)', () => {
    const odd = [host('x', 'intranet', 'pilot', [entry({ packages: [{ name: 'libssl3;reboot', installedVersion: '3.0.20-1', fixed: '3.0.22-1' }] })])];
    const { groups, skipped } = proposalGroups({ hosts: odd, known: [], mirrors: null });
    expect(groups).toEqual([]);
    expect(skipped).toEqual([expect.objectContaining({ sourcePackage: 'openssl', reason: 'the installed package "libssl3;reboot" ("3.0.22-1") is not one a remediation may name' })]);
  });

  it('numbers new remediations after the highest of the year', () => {
    expect(nextIds(2, 2026, ['PLB-2026-0003', 'PLB-2026-0010', 'PLB-2025-0099', 'DSA-1'])).toEqual(['PLB-2026-0011', 'PLB-2026-0012']);
    expect(nextIds(1, 2027, [])).toEqual(['PLB-2027-0001']);
    expect([releaseRange('12'), releaseRange('22.04')]).toEqual(['>= 12, < 13', '= 22.04']);
  });

  it('writes remediations that validate and say what they are', () => {
    const { groups } = proposalGroups({ hosts, known: [], mirrors: [mirror] });
    const files: Record<string, string> = {
      'inventory/h.yaml': 'hosts: []\n',
      'baselines/b.yaml': 'name: b\n',
    };
    groups.forEach((g, i) => {
      const doc = remediationFor(g, `PLB-2026-000${i + 1}`, NOW);
      files[remediationPath(doc.id, g.sourcePackage)] = remediationYaml(doc, g, NOW);
    });
    const text = files['remediations/PLB-2026-0001-openssl.yaml']!;
    expect(text).toMatch(/^# Proposed by plumb propose on 2026-11-25 for openssl on debian 12\./);
    expect(text).toContain('advisories: [ DSA-1-1, DSA-2-1, CVE-2026-1000, CVE-2026-1100 ]');
    expect(text).toContain('package: { name: openssl, source: true, affected: "< 3.0.23-1" }');
    expect(text).toContain('- { name: libssl3, version: "3.0.23-1" }');
    expect(text).toContain('Not found on the mirror, so assumed equal to the source version: openssl.');
    expect(text).toMatch(/^proposed_by: plumb-propose$/m);
    expect(text).toMatch(/^deadline: 2026-12-01$/m);
    const loaded = loadSnapshot({ commit: null, files: Object.entries(files).map(([path, t]) => ({ path, bytes: new TextEncoder().encode(t) })) }, { now: NOW });
    expect(loaded.problems).toEqual([]);
    expect(loaded.model.remediations.get('PLB-2026-0001')).toMatchObject({ severity: 'critical', kind: 'patch', selector: { platforms: [{ os: 'debian', versions: '>= 12, < 13' }] }, created: '2026-11-25' });
  });
});
