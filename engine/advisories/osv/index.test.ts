import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, officialOsv, sample, sampleJson } from '../../../test/advisories/official.js';
import { ingest } from '../ingest.js';
import { osv } from './index.js';

const NOW = '2026-01-01T00:00:00Z';
const run = (value: unknown, name = 'in.json') => ingest(name, new TextEncoder().encode(JSON.stringify(value, null, 2)), { now: NOW, format: 'osv' });
const SAMPLES = ['osv/DSA-3029-1.json', 'osv/USN-5614-1.json', 'osv/UBUNTU-CVE-2021-3782.json', 'osv/ALSA-2023-4520.json'];

describe.skipIf(!HAVE_SHARED)('OSV importer on the real samples in ../shared/data', () => {
  it('the official schema and plumb agree that every sample is valid', () => {
    const official = officialOsv();
    for (const f of SAMPLES) {
      expect(official(sampleJson(f)), f).toBe(true);
      const r = ingest(f, sample(f), { now: NOW });
      expect(r.format).toBe('osv');
      expect(r.problems.filter((p) => p.severity === 'error'), f).toEqual([]);
    }
  });

  it('DSA-3029-1: Debian 7 source package nginx, fixed version, CVE alias', () => {
    const [a] = ingest('DSA-3029-1.json', sample('osv/DSA-3029-1.json'), { now: NOW }).advisories;
    expect(a).toMatchObject({
      id: 'DSA-3029-1',
      source: 'osv',
      aliases: ['CVE-2014-3616'],
      title: 'nginx - security update',
      published: '2014-09-20T00:00:00Z',
      modified: '2014-09-20T08:18:07Z',
      modifiedFrom: 'record',
      severity: 'unknown',
      references: ['https://www.debian.org/security/2014/dsa-3029'],
      affected: [{ ecosystem: { os: 'debian', release: '7', raw: 'Debian:7' }, package: 'nginx', packageKind: 'source', scheme: 'deb', status: 'affected', fixed: '1.2.1-2.2+wheezy3', ranges: [{ fixed: '1.2.1-2.2+wheezy3' }] }],
      origin: { location: 'DSA-3029-1.json', pointer: '' },
    });
  });

  it('USN-5614-1: source package per release, binaries kept, CVE from upstream and cves_map, severity from the Ubuntu rating', () => {
    const [a] = ingest('USN-5614-1.json', sample('osv/USN-5614-1.json'), { now: NOW }).advisories;
    expect(a!.aliases).toEqual(['CVE-2021-3782', 'UBUNTU-CVE-2021-3782']);
    expect(a!.severity).toBe('medium');
    expect(a!.cvss).toEqual([{ version: '3.1', vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H', score: 6.6, computed: true, ids: ['CVE-2021-3782'] }]);
    expect(a!.affected.map((x) => [x.ecosystem.release, x.package, x.packageKind, x.fixed])).toEqual([
      ['18.04', 'wayland', 'source', '1.16.0-1ubuntu1.1~18.04.4'],
      ['20.04', 'wayland', 'source', '1.18.0-1ubuntu0.1'],
      ['22.04', 'wayland', 'source', '1.20.0-1ubuntu0.1'],
    ]);
    expect(a!.affected[2]!.binaries).toEqual(['libwayland-bin', 'libwayland-client0', 'libwayland-cursor0', 'libwayland-egl1', 'libwayland-server0']);
  });

  it('UBUNTU-CVE-2021-3782: the Pro channel is a variant of the release, with its availability note', () => {
    const [a] = ingest('x.json', sample('osv/UBUNTU-CVE-2021-3782.json'), { now: NOW }).advisories;
    expect(a!.aliases).toEqual(['CVE-2021-3782']);
    expect(a!.affected[0]).toMatchObject({ ecosystem: { os: 'ubuntu', release: '16.04', variant: 'pro' }, fixed: '1.12.0-1~ubuntu16.04.3+esm1', note: 'Available with Ubuntu Pro (Infra-only): https://ubuntu.com/pro' });
    // The same vector twice is one CVSS entry.
    expect(a!.cvss).toHaveLength(1);
  });

  it('ALSA-2023:4520: binary RPM, CVE from related, Red Hat rating from the summary', () => {
    const [a] = ingest('x.json', sample('osv/ALSA-2023-4520.json'), { now: NOW }).advisories;
    expect(a).toMatchObject({ id: 'ALSA-2023:4520', aliases: ['CVE-2023-32681'], severity: 'medium' });
    expect(a!.affected).toEqual([
      { ecosystem: { os: 'almalinux', release: '8', raw: 'AlmaLinux:8' }, package: 'python3-requests', packageKind: 'binary', scheme: 'rpm', status: 'affected', fixed: '2.20.0-3.el8_8', ranges: [{ fixed: '2.20.0-3.el8_8' }] },
    ]);
  });
});

const good = {
  id: 'DSA-9999-1',
  modified: '2024-05-01T10:00:00Z',
  published: '2024-05-01T00:00:00Z',
  aliases: ['CVE-2024-0001'],
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    { package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] },
    { package: { ecosystem: 'Debian:11', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.1.1n-0+deb11u1' }, { fixed: '1.1.1w-0+deb11u1' }] }] },
    { package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] },
  ],
};

describe('OSV importer on constructed records', () => {
  it('computes severity from the CVSS vector when no rating is given, keeps introduced, skips other ecosystems with a warning', () => {
    const r = run(good);
    const a = r.advisories[0]!;
    expect(a.severity).toBe('critical');
    expect(a.cvss?.[0]).toMatchObject({ score: 9.8, computed: true });
    expect(a.affected[1]!.ranges).toEqual([{ introduced: '1.1.1n-0+deb11u1', fixed: '1.1.1w-0+deb11u1' }]);
    expect(a.affected).toHaveLength(2);
    const lines = JSON.stringify(good, null, 2).split('\n');
    const line = lines.findIndex((l) => l.includes('"PyPI"')) + 1;
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'warning', code: 'unsupported-ecosystem', pointer: '/affected/2/package/ecosystem', line, col: 9 })]);
  });

  it('an array of records: a malformed record is reported at its line and the others are imported', () => {
    const broken = { ...good, id: 'DSA-9999-2', modified: 'yesterday' };
    const noId = { modified: '2024-05-01T10:00:00Z' };
    const r = run([good, broken, noId, { ...good, id: 'DSA-9999-3' }]);
    expect(r.records).toBe(4);
    expect(r.advisories.map((a) => a.id)).toEqual(['DSA-9999-1', 'DSA-9999-3']);
    const errors = r.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => [p.code, p.pointer, p.message])).toEqual([
      ['schema', '/1/modified', "'modified' is not valid"],
      ['schema', '/2', "the record is missing required field 'id'"],
    ]);
    const text = JSON.stringify([good, broken, noId], null, 2).split('\n');
    expect(errors[0]!.line).toBe(text.findIndex((l) => l.includes('"yesterday"')) + 1);
    expect(r.problems.every((p) => p.file === 'in.json' && p.col > 0)).toBe(true);
  });

  it('the osv.dev API shape {"vulns": [...]} is read too', () => {
    expect(run({ vulns: [good] }).advisories).toHaveLength(1);
  });

  it.each([
    ['a version dpkg refuses', { ...good, affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0 beta' }] }] }] }, 'bad-version', '/affected/0/ranges/0/events/1/fixed'],
    ['a version with shell metacharacters', { ...good, affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0;rm' }] }] }] }, 'bad-version', '/affected/0/ranges/0/events/1/fixed'],
    ['a package name with a space', { ...good, affected: [{ package: { ecosystem: 'Debian:12', name: 'open ssl' } }] }, 'bad-package', '/affected/0/package/name'],
    ['an event with two kinds', { ...good, affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }] }] }, 'schema', '/affected/0/ranges/0/events/0'],
    ['an id with a slash', { ...good, id: 'DSA/1' }, 'schema', '/id'],
    ['a wrong type', { ...good, aliases: 'CVE-2024-0001' }, 'schema', '/aliases'],
  ])('refuses %s with a located error', (_what, record, code, pointer) => {
    const r = run(record);
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'error', code, pointer }));
  });

  it.skipIf(!HAVE_SHARED)('the records plumb refuses by schema are invalid for the official schema too', () => {
    const official = officialOsv();
    for (const bad of [{ ...good, modified: 'yesterday' }, { ...good, aliases: 'x' }, { modified: good.modified }, { ...good, affected: [{ package: { ecosystem: 'Debian:12' } }] }]) {
      expect(official(bad)).toBe(false);
      expect(run(bad).problems.some((p) => p.code === 'schema')).toBe(true);
    }
    expect(official(good)).toBe(true);
  });

  it('a malformed CVSS vector is a warning; the record is still imported', () => {
    const r = run({ ...good, severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }] });
    expect(r.advisories).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ severity: 'warning', code: 'bad-cvss', pointer: '/severity/0/score' });
  });

  it('keeps withdrawn', () => {
    expect(run({ ...good, withdrawn: '2024-06-01T00:00:00Z' }).advisories[0]!.withdrawn).toBe('2024-06-01T00:00:00Z');
  });

  it('detects its own shapes only', () => {
    expect(osv.detect(good)).toBe(true);
    expect(osv.detect([good])).toBe(true);
    expect(osv.detect({ vulns: [] })).toBe(true);
    expect(osv.detect({ document: { csaf_version: '2.0' } })).toBe(false);
    expect(osv.detect({ openssl: { 'CVE-2024-0001': { releases: {} } } })).toBe(false);
  });
});
