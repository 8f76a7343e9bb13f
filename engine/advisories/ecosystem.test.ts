import { describe, expect, it } from 'vitest';
import { getScheme } from '../versioning/index.js';
import { candidateReleases, debianRelease, parseDistro, parseOsCpe, parseOsvEcosystem, parsePurl } from './ecosystem.js';
import { intervalsFromEvents } from './ranges.js';

describe('ecosystems', () => {
  it.each([
    ['Debian:12', { os: 'debian', release: '12' }],
    ['Debian:7', { os: 'debian', release: '7' }],
    ['Ubuntu:22.04:LTS', { os: 'ubuntu', release: '22.04' }],
    ['Ubuntu:Pro:16.04:LTS', { os: 'ubuntu', release: '16.04', variant: 'pro' }],
    ['Ubuntu:Pro:FIPS-updates:22.04:LTS', { os: 'ubuntu', release: '22.04', variant: 'pro-fips-updates' }],
    ['Ubuntu:24.10', { os: 'ubuntu', release: '24.10' }],
    ['AlmaLinux:8', { os: 'almalinux', release: '8' }],
    ['AlmaLinux:9', { os: 'almalinux', release: '9' }],
    ['Rocky Linux:9', { os: 'rocky', release: '9' }],
  ])('OSV %s', (raw, want) => {
    expect(parseOsvEcosystem(raw)).toEqual({ ...want, raw });
  });

  it('leaves non-distribution ecosystems alone', () => {
    for (const raw of ['PyPI', 'npm', 'Alpine:v3.18', 'Debian', 'Ubuntu:Pro', 'Go']) expect(parseOsvEcosystem(raw)).toBeUndefined();
  });

  it('maps Debian codenames to release numbers', () => {
    expect(debianRelease('bookworm')).toEqual({ os: 'debian', release: '12', raw: 'bookworm' });
    expect(['bullseye', 'buster', 'trixie', 'sid'].map((c) => debianRelease(c)?.release)).toEqual(['11', '10', '13', 'unstable']);
    expect(debianRelease('experimental')).toBeUndefined();
  });

  it('reads purls, including qualifiers and an epoch', () => {
    expect(parsePurl('pkg:deb/ubuntu/wayland@1.12.0-1~ubuntu16.04.3+esm1?arch=source&distro=esm-infra/xenial')).toEqual({
      type: 'deb',
      namespace: 'ubuntu',
      name: 'wayland',
      version: '1.12.0-1~ubuntu16.04.3+esm1',
      qualifiers: { arch: 'source', distro: 'esm-infra/xenial' },
    });
    expect(parsePurl('pkg:rpm/redhat/telnet@0.17-65.el7_6?arch=x86_64&epoch=1')).toMatchObject({ name: 'telnet', version: '0.17-65.el7_6', qualifiers: { epoch: '1' } });
    expect(parsePurl('pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5')).toMatchObject({ version: '7.88.1-10+deb12u5' });
    expect(parsePurl('not a purl')).toBeUndefined();
  });

  it('reads distro qualifiers', () => {
    expect(parseDistro('debian', 'debian-12')).toMatchObject({ os: 'debian', release: '12' });
    expect(parseDistro('debian', 'bookworm')).toMatchObject({ os: 'debian', release: '12' });
    expect(parseDistro('ubuntu', 'jammy')).toMatchObject({ os: 'ubuntu', release: '22.04' });
    expect(parseDistro('ubuntu', 'esm-infra/xenial')).toMatchObject({ os: 'ubuntu', release: '16.04', variant: 'esm-infra' });
    expect(parseDistro('redhat', 'el9')).toMatchObject({ os: 'rhel', release: '9' });
    expect(parseDistro('almalinux', 'almalinux-9')).toMatchObject({ os: 'almalinux', release: '9' });
    expect(parseDistro('debian', undefined)).toBeUndefined();
  });

  it('reads operating-system CPEs', () => {
    expect(parseOsCpe('cpe:/o:redhat:rhel_aus:7.6::server')).toMatchObject({ os: 'rhel', release: '7.6', variant: 'aus' });
    expect(parseOsCpe('cpe:/o:redhat:enterprise_linux:8::baseos')).toMatchObject({ os: 'rhel', release: '8' });
    expect(parseOsCpe('cpe:/a:redhat:enterprise_linux:9::appstream')).toMatchObject({ os: 'rhel', release: '9' });
    expect(parseOsCpe('cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:*')).toMatchObject({ os: 'debian', release: '12' });
    expect(parseOsCpe('cpe:/o:canonical:ubuntu_linux:22.04')).toMatchObject({ os: 'ubuntu', release: '22.04' });
    expect(parseOsCpe('cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha')).toBeUndefined();
    expect(parseOsCpe('cpe:/a:redhat:openshift:4.12')).toBeUndefined();
  });

  it('a host point release is also covered by its major release', () => {
    expect(candidateReleases('9.3')).toEqual(['9.3', '9']);
    expect(candidateReleases('12')).toEqual(['12']);
  });
});

describe('OSV events → intervals (deb order)', () => {
  const cmp = (a: string, b: string) => getScheme('deb').compare(a, b);
  it('pairs introduced with the next fixed or last_affected, in version order', () => {
    expect(intervalsFromEvents([{ kind: 'introduced', version: '0' }, { kind: 'fixed', version: '1.2-3' }], cmp)).toEqual([{ fixed: '1.2-3' }]);
    expect(
      intervalsFromEvents(
        [
          { kind: 'fixed', version: '2.5-1' },
          { kind: 'introduced', version: '2.0-1' },
          { kind: 'fixed', version: '1.4-1' },
          { kind: 'introduced', version: '0' },
        ],
        cmp,
      ),
    ).toEqual([{ fixed: '1.4-1' }, { introduced: '2.0-1', fixed: '2.5-1' }]);
    expect(intervalsFromEvents([{ kind: 'introduced', version: '1.0' }, { kind: 'last_affected', version: '1.5' }], cmp)).toEqual([{ introduced: '1.0', lastAffected: '1.5' }]);
    expect(intervalsFromEvents([{ kind: 'introduced', version: '1:1.0' }], cmp)).toEqual([{ introduced: '1:1.0' }]);
    // Sorting uses dpkg order, not string order: 1.0~rc1 < 1.0.
    expect(intervalsFromEvents([{ kind: 'fixed', version: '1.0' }, { kind: 'introduced', version: '1.0~rc1' }], cmp)).toEqual([{ introduced: '1.0~rc1', fixed: '1.0' }]);
    expect(intervalsFromEvents([{ kind: 'fixed', version: '1.0' }], cmp)).toEqual([]);
  });
});
