import { describe, expect, it } from 'vitest';
import type { InstalledPackage, OsRelease } from '../facts/types.js';
import { HAVE_SHARED, sample } from '../../test/advisories/official.js';
import { ingest } from './ingest.js';
import { buildIndex, matchHost } from './match.js';
import type { Advisory, AffectedPackage } from './types.js';

const deb12: OsRelease = { id: 'debian', versionId: '12' };
const pkg = (name: string, version: string, source = name, sourceVersion = version, status = 'installed'): InstalledPackage => ({ name, version, arch: 'amd64', status, source, sourceVersion });
const host = (os: OsRelease, ...pkgs: InstalledPackage[]) => ({ os, packages: Object.fromEntries(pkgs.map((p) => [p.name, p])) });
const entry = (over: Partial<AffectedPackage> = {}): AffectedPackage => ({ ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, package: 'openssl', packageKind: 'source', scheme: 'deb', status: 'affected', ...over });
const fixedAt = (fixed: string, over: Partial<AffectedPackage> = {}) => entry({ fixed, ranges: [{ fixed }], ...over });
const adv = (id: string, affected: AffectedPackage[], over: Partial<Advisory> = {}): Advisory => ({
  id,
  source: 'osv',
  aliases: [`CVE-${id.replace(/\D/g, '').padStart(8, '0').replace(/^(\d{4})/, '$1-')}`],
  modified: '2024-01-01T00:00:00Z',
  modifiedFrom: 'record',
  severity: 'high',
  references: [],
  affected,
  origin: { location: 'x', pointer: '' },
  ...over,
});
const match = (advisories: Advisory[], h: ReturnType<typeof host>) => matchHost(buildIndex(advisories), h);

describe('matchHost', () => {
  it('Debian advisories name source packages: every installed binary of the source matches, compared at the source version', () => {
    const a = adv('DSA-1', [fixedAt('3.0.11-1~deb12u2')]);
    const v = match([a], host(deb12, pkg('libssl3', '3.0.11-1~deb12u1', 'openssl'), pkg('openssl', '3.0.11-1~deb12u1'), pkg('libcurl4', '7.88.1-10')));
    expect(v.map((x) => [x.package, x.sourcePackage, x.sourceVersion, x.fixed, x.status, x.matchedOn])).toEqual([
      ['libssl3', 'openssl', '3.0.11-1~deb12u1', '3.0.11-1~deb12u2', 'affected', 'source'],
      ['openssl', 'openssl', '3.0.11-1~deb12u1', '3.0.11-1~deb12u2', 'affected', 'source'],
    ]);
  });

  it('uses the source version, not the binary version (a binary can carry its own epoch and version)', () => {
    const a = adv('DSA-2', [fixedAt('5.0-1', { package: 'foo' })]);
    expect(match([a], host(deb12, pkg('python3-foo', '1:5.0-1', 'foo', '4.9-1')))).toHaveLength(1);
    expect(match([a], host(deb12, pkg('python3-foo', '4.0-1', 'foo', '5.0-1')))).toEqual([]);
  });

  it('a binary named like an affected source, but built from another source, does not match', () => {
    const a = adv('DSA-3', [fixedAt('8.0-1', { package: 'curl' })]);
    expect(match([a], host(deb12, pkg('curl', '7.0-1', 'curl-compat', '7.0-1')))).toEqual([]);
  });

  it('dpkg order: epochs and tildes', () => {
    const a = adv('DSA-4', [fixedAt('3.0.11-1~deb12u2')]);
    const verdict = (v: string) => match([a], host(deb12, pkg('openssl', v))).length > 0;
    expect(verdict('3.0.11-1~deb12u1')).toBe(true);
    expect(verdict('3.0.11-1~deb12u2')).toBe(false);
    expect(verdict('3.0.11-1')).toBe(false);
    expect(verdict('3.0.11~rc1-1')).toBe(true);
    expect(verdict('1:1.0-1')).toBe(false);
    const e = adv('DSA-5', [fixedAt('1:2.0-1')]);
    expect(match([e], host(deb12, pkg('openssl', '9.9-1'))).length).toBe(1);
  });

  it('honours introduced, fixed and last_affected', () => {
    const a = adv('DSA-6', [entry({ ranges: [{ introduced: '1.1.1n-0+deb11u1', fixed: '1.1.1w-0+deb11u1' }, { introduced: '3.0.0-1', lastAffected: '3.0.2-1' }], fixed: '1.1.1w-0+deb11u1' })]);
    const verdict = (v: string) => match([a], host(deb12, pkg('openssl', v)))[0]?.fixed ?? (match([a], host(deb12, pkg('openssl', v))).length ? 'no fix' : 'clean');
    expect(verdict('1.1.1k-1')).toBe('clean');
    expect(verdict('1.1.1n-0+deb11u1')).toBe('1.1.1w-0+deb11u1');
    expect(verdict('1.1.1n-0+deb11u5')).toBe('1.1.1w-0+deb11u1');
    expect(verdict('1.1.1w-0+deb11u1')).toBe('clean');
    expect(verdict('3.0.2-1')).toBe('no fix');
    expect(verdict('3.0.2-2')).toBe('clean');
  });

  it('an open entry (no fix yet) affects every version; listed versions only those', () => {
    expect(match([adv('T-1', [entry()])], host(deb12, pkg('openssl', '99-1')))[0]).toMatchObject({ status: 'affected' });
    const listed = adv('T-2', [entry({ versions: ['1.0-1', '1.0-2'] })]);
    expect(match([listed], host(deb12, pkg('openssl', '1.0-2')))).toHaveLength(1);
    expect(match([listed], host(deb12, pkg('openssl', '1.0-3')))).toEqual([]);
  });

  it('matches the release: Debian 11 advisories do not touch Debian 12; AlmaLinux:9 covers 9.3; other distributions never', () => {
    expect(match([adv('DSA-7', [fixedAt('9-1', { ecosystem: { os: 'debian', release: '11', raw: 'Debian:11' } })])], host(deb12, pkg('openssl', '1-1')))).toEqual([]);
    expect(match([adv('USN-1', [fixedAt('9-1', { ecosystem: { os: 'ubuntu', release: '12', raw: 'x' } })])], host(deb12, pkg('openssl', '1-1')))).toEqual([]);
    const alma = adv('ALSA-1', [entry({ ecosystem: { os: 'almalinux', release: '9', raw: 'AlmaLinux:9' }, package: 'python3-requests', packageKind: 'binary', scheme: 'rpm', fixed: '2.25.1-8.el9_2', ranges: [{ fixed: '2.25.1-8.el9_2' }] })]);
    const rpmHost = host({ id: 'almalinux', versionId: '9.3' }, pkg('python3-requests', '2.25.1-6.el9', 'python-requests', '2.25.1-6.el9'));
    expect(match([alma], rpmHost)).toMatchObject([{ package: 'python3-requests', matchedOn: 'binary', fixed: '2.25.1-8.el9_2' }]);
    expect(match([alma], host({ id: 'almalinux', versionId: '8.9' }, pkg('python3-requests', '2.0-1.el8')))).toEqual([]);
  });

  it('rpm order: the release part and epochs', () => {
    const a = adv('RHSA-1', [entry({ ecosystem: { os: 'rhel', release: '9', raw: 'x' }, package: 'kernel', packageKind: 'binary', scheme: 'rpm', fixed: '5.14.0-362.8.1.el9_3', ranges: [{ fixed: '5.14.0-362.8.1.el9_3' }] })]);
    const verdict = (v: string) => match([a], host({ id: 'rhel', versionId: '9.3' }, pkg('kernel', v))).length > 0;
    expect(verdict('5.14.0-362.el9')).toBe(true);
    expect(verdict('5.14.0-362.8.1.el9_3')).toBe(false);
    expect(verdict('5.14.0-362.13.1.el9_3')).toBe(false);
    expect(verdict('1:5.0-1.el9')).toBe(false);
  });

  it('VEX: a not-affected statement about the same CVE and package suppresses the match, and says who suppressed it', () => {
    const osv = adv('DSA-8', [fixedAt('3.0.11-1~deb12u2')], { aliases: ['CVE-2024-1000'] });
    const vex = adv('EX-VEX-1', [entry({ status: 'not-affected', ids: ['CVE-2024-1000'] })], { source: 'csaf', aliases: ['CVE-2024-1000'] });
    const other = adv('EX-VEX-2', [entry({ status: 'not-affected', ids: ['CVE-2024-9999'] })], { source: 'csaf', aliases: ['CVE-2024-9999'] });
    const h = host(deb12, pkg('libssl3', '3.0.11-1~deb12u1', 'openssl'));
    expect(match([osv, other], h)).toMatchObject([{ advisoryId: 'DSA-8', status: 'affected' }]);
    expect(match([osv, vex], h)).toMatchObject([{ advisoryId: 'DSA-8', status: 'not-affected', suppressedBy: 'EX-VEX-1' }]);
    // Version-specific: not affected only at 3.0.9-1.
    const narrow = adv('EX-VEX-3', [entry({ status: 'not-affected', versions: ['3.0.9-1'], ids: ['CVE-2024-1000'] })], { source: 'csaf' });
    expect(match([osv, narrow], h)[0]!.status).toBe('affected');
    expect(match([osv, narrow], host(deb12, pkg('openssl', '3.0.9-1')))[0]!.status).toBe('not-affected');
  });

  it('an advisory about several CVEs is suppressed only when all of them are declared not affecting', () => {
    const dsa = adv('DSA-9', [fixedAt('2-1')], { aliases: ['CVE-2024-1111', 'CVE-2024-2222'] });
    const one = adv('VEX-1', [entry({ status: 'not-affected', ids: ['CVE-2024-1111'] })], { source: 'csaf' });
    const two = adv('VEX-2', [entry({ status: 'not-affected', ids: ['CVE-2024-2222'] })], { source: 'csaf' });
    const h = host(deb12, pkg('openssl', '1-1'));
    expect(match([dsa, one], h)[0]!.status).toBe('affected');
    expect(match([dsa, one, two], h)[0]!.status).toBe('not-affected');
  });

  it('under investigation is reported as such', () => {
    expect(match([adv('T-3', [entry({ status: 'under-investigation' })])], host(deb12, pkg('openssl', '1-1')))[0]!.status).toBe('under-investigation');
  });

  it('ignores removed packages (config-files), withdrawn advisories, hosts without facts', () => {
    const a = adv('DSA-10', [fixedAt('2-1')]);
    expect(match([a], host(deb12, pkg('openssl', '1-1', 'openssl', '1-1', 'config-files')))).toEqual([]);
    expect(match([{ ...a, withdrawn: '2024-02-01T00:00:00Z' }], host(deb12, pkg('openssl', '1-1')))).toEqual([]);
    expect(matchHost(buildIndex([a]), { os: null, packages: null })).toEqual([]);
    expect(matchHost(buildIndex([a]), { os: { id: 'alpine', versionId: '3.19' }, packages: {} })).toEqual([]);
  });

  it('reports installed versions the scheme cannot order instead of guessing', () => {
    const seen: string[] = [];
    const v = matchHost(buildIndex([adv('DSA-11', [fixedAt('2-1')])]), host(deb12, pkg('openssl', 'a b')), { onUnorderable: (p, version) => seen.push(`${p.name}@${version}`) });
    expect(v).toEqual([]);
    expect(seen).toEqual(['openssl@a b']);
  });

  it('memoized verdicts are the same for every host (hosts of one release share versions)', () => {
    const index = buildIndex([adv('DSA-12', [fixedAt('2-1')])]);
    for (let i = 0; i < 3; i++) {
      expect(matchHost(index, host(deb12, pkg('openssl', '1-1')))).toHaveLength(1);
      expect(matchHost(index, host(deb12, pkg('openssl', '2-1')))).toHaveLength(0);
    }
  });
});

describe.skipIf(!HAVE_SHARED)('matchHost with the real samples', () => {
  const load = (f: string) => ingest(f, sample(f), { now: '2026-01-01T00:00:00Z' }).advisories;

  it('USN-5614-1 on Ubuntu 22.04: the wayland binaries match through their source; the fixed version is the release\'s', () => {
    const index = buildIndex([...load('osv/USN-5614-1.json'), ...load('osv/UBUNTU-CVE-2021-3782.json')]);
    const v = matchHost(index, host({ id: 'ubuntu', versionId: '22.04' }, pkg('libwayland-client0', '1.20.0-1', 'wayland'), pkg('libwayland-server0', '1.20.0-1ubuntu0.1', 'wayland')));
    expect(v.map((x) => [x.advisoryId, x.package, x.fixed, x.severity, x.cvssScore])).toEqual([
      ['USN-5614-1', 'libwayland-client0', '1.20.0-1ubuntu0.1', 'medium', 6.6],
      ['UBUNTU-CVE-2021-3782', 'libwayland-client0', '1.20.0-1ubuntu0.1', 'medium', 6.6],
    ]);
    // Ubuntu 16.04 has only the Pro fix.
    const xenial = matchHost(index, host({ id: 'ubuntu', versionId: '16.04' }, pkg('libwayland-client0', '1.12.0-1~ubuntu16.04.3', 'wayland')));
    expect(xenial).toMatchObject([{ advisoryId: 'UBUNTU-CVE-2021-3782', fixed: '1.12.0-1~ubuntu16.04.3+esm1', ecosystem: { variant: 'pro' } }]);
  });

  it('RHSA-2022:0011 on RHEL 7.6: one result per package although three streams and source+binary entries say it', () => {
    const index = buildIndex(load('csaf/rhsa-2022_0011.json'));
    const v = matchHost(index, host({ id: 'rhel', versionId: '7.6' }, pkg('telnet-server', '1:0.17-64.el7', 'telnet'), pkg('telnet', '1:0.17-65.el7_6', 'telnet')));
    expect(v.map((x) => [x.package, x.fixed, x.severity])).toEqual([['telnet-server', '1:0.17-65.el7_6', 'high']]);
    expect(matchHost(index, host({ id: 'rhel', versionId: '7.9' }, pkg('telnet-server', '1:0.17-64.el7', 'telnet')))).toEqual([]);
  });

  it('Debian tracker: bookworm chromium below the fix matches; the release with "fixed in 0" never does', () => {
    const index = buildIndex(load('debian-tracker/debian-tracker-sample.json'));
    expect(matchHost(index, host(deb12, pkg('chromium', '97.0.4692.99-1')))).toMatchObject([{ advisoryId: 'CVE-2022-0456', fixed: '98.0.4758.80-1', source: 'debian-tracker' }]);
    const buster = matchHost(index, host({ id: 'debian', versionId: '10' }, pkg('libjs-prototype', '1.7.1-3', 'prototypejs'), pkg('chromium', '90.0.4430.212-1~deb10u1')));
    expect(buster.map((x) => [x.advisoryId, x.status, x.fixed ?? 'none'])).toEqual([['CVE-2022-0456', 'affected', 'none']]);
  });
});
