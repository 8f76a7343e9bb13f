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
    expect(groups.map((g) => [g.sourcePackage, `${g.os} ${g.release}`, g.fixed, g.severity, g.vulnerabilities])).toEqual([['openssl', 'debian 12', '3.0.23-1', 'critical', 3]]);
    const g = groups[0]!;
    expect(g).toMatchObject({ advisories: ['DSA-1-1', 'DSA-2-1'], ids: ['CVE-2026-1000', 'CVE-2026-1100'], tier: 'high', deadline: '2026-12-01T00:00:00.000Z' });
    expect(g.hosts.map((h) => h.host)).toEqual(['web', 'wiki']);
    // libssl3's build of the higher fix is on the mirror; openssl's is not: left out, never guessed.
    expect(g.packages).toEqual([{ name: 'libssl3', version: '3.0.23-1', from: 'mirror' }]);
    expect(g.missing).toEqual(['openssl']);
    expect(g.fixOnMirror).toBe(false);
    expect(skipped).toEqual([
      { sourcePackage: 'openssl', release: 'debian 11', vulnerabilities: ['CVE-2026-1000'], reason: 'no signed mirror index serves debian 11: plumb proposes the versions to install only from one' },
      { sourcePackage: 'zlib', release: 'debian 12', vulnerabilities: ['CVE-2026-1000'], reason: 'already answered by PLB-2026-0001 (working tree, remediations/z.yaml:1)' },
    ]);
  });

  it('takes which binaries a source builds from the signed index, never from a host: a disputed claim is shown and left out', () => {
    const liar = host('liar', 'intranet', 'pilot', [entry({ packages: ['libssl3', 'libc6', 'sudo', 'openssh-server'].map((name) => ({ name, installedVersion: '3.0.20-1', fixed: '3.0.22-1' })) })]);
    const withOthers = indexBinaries(mirror.mirror, [], [...[...mirror.bySource.values()].flat(), ...parsePackages('Package: libc6\nVersion: 2.36-9\nArchitecture: amd64\nSource: glibc\n\nPackage: sudo\nVersion: 1.9.13p3-1\nArchitecture: amd64\n', 's')]);
    const { groups } = proposalGroups({ hosts: [liar], known: [], mirrors: [withOthers] });
    expect(groups).toHaveLength(1);
    expect(groups[0]!.packages.map((p) => p.name)).toEqual(['libssl3']);
    expect(groups[0]!.disputed).toEqual([
      { name: 'libc6', claimed: 'openssl', index: ['glibc'], hosts: ['liar'] },
      { name: 'sudo', claimed: 'openssl', index: ['sudo'], hosts: ['liar'] },
    ]);
    // openssh-server is not on the index at all: nothing vouches for a version, so it is left out too.
    expect(groups[0]!.missing).toEqual(['openssh-server']);
    expect(remediationFor(groups[0]!, 'PLB-2026-0001', NOW).description).toMatch(/Left out: liar reports libc6 built from openssl; the signed mirror index says glibc\./);
  });

  it('proposes nothing without a signed mirror index, saying why', () => {
    const { groups, skipped } = proposalGroups({ hosts, known: [], mirrors: null });
    expect(groups).toEqual([]);
    expect(skipped.filter((s) => s.reason.startsWith('no signed mirror index')).map((s) => s.release).sort()).toEqual(['debian 11', 'debian 12']);
  });

  it('never proposes what a known remediation answers, by advisory or CVE, or by package and installed version', () => {
    const known = (over: Partial<KnownRemediation>): KnownRemediation => ({ id: 'PLB-X', where: 'branch plumb/propose-x', selector: {}, ...over });
    const byId = proposalGroups({ hosts, known: [known({ advisories: ['cve-2026-1100'] })], mirrors: [mirror] });
    expect(byId.groups).toEqual([]);
    expect(byId.skipped.find((s) => s.sourcePackage === 'openssl' && s.release === 'debian 12')).toMatchObject({ reason: 'already answered by PLB-X (branch plumb/propose-x)' });
    const byPackage = proposalGroups({ hosts, known: [known({ selector: { package: { name: 'openssl', source: true, affected: '< 3.0.21-1' } } })], mirrors: [mirror] });
    expect(byPackage.skipped.filter((s) => s.sourcePackage === 'openssl' && s.reason.startsWith('already answered')).map((s) => s.release).sort()).toEqual(['debian 11', 'debian 12']);
    const notCovering = proposalGroups({ hosts, known: [known({ selector: { package: { name: 'openssl', source: true, affected: '< 1.0' } } })], mirrors: [mirror] });
    expect(notCovering.groups).toHaveLength(1);
  });

  it('never proposes a package name a host reported that the signed index does not list', () => {
    const odd = [host('x', 'intranet', 'pilot', [entry({ packages: [{ name: 'libssl3;reboot', installedVersion: '3.0.20-1', fixed: '3.0.22-1' }] })])];
    const { groups, skipped } = proposalGroups({ hosts: odd, known: [], mirrors: [mirror] });
    expect(groups).toEqual([]);
    // A name the signed index does not list is never proposed, whatever it holds.
    expect(skipped).toEqual([expect.objectContaining({ sourcePackage: 'openssl', reason: 'the signed mirror index has no build of openssl 3.0.22-1 for libssl3;reboot' })]);
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
    expect(text).toContain('The mirror has no build of the fix for openssl yet: left out; approve only once it has.');
    expect(text).toMatch(/^proposed_by: plumb-propose$/m);
    expect(text).toMatch(/^deadline: 2026-12-01$/m);
    const loaded = loadSnapshot({ commit: null, files: Object.entries(files).map(([path, t]) => ({ path, bytes: new TextEncoder().encode(t) })) }, { now: NOW });
    expect(loaded.problems).toEqual([]);
    expect(loaded.model.remediations.get('PLB-2026-0001')).toMatchObject({ severity: 'critical', kind: 'patch', selector: { platforms: [{ os: 'debian', versions: '>= 12, < 13' }] }, created: '2026-11-25' });
  });
});
