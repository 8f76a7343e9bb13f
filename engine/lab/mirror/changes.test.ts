import { describe, expect, it } from 'vitest';
import { deb } from '../../versioning/deb/index.js';
import { cvesBetween, fromSecurity, parseChangelog, parseSimulation } from './changes.js';

// A parser test: the lines are apt-get's own output format, copied from a real run.
const SIMULATION = `NOTE: This is only a simulation!
Reading package lists...
Calculating upgrade...
The following packages will be upgraded:
  libssl3 perl-base
Inst perl-base [5.36.0-7+deb12u3] (5.36.0-7+deb12u4 Debian-Security:12/oldstable-security [amd64])
Conf perl-base (5.36.0-7+deb12u4 Debian-Security:12/oldstable-security [amd64])
Inst libgdbm6 (1.23-3 Debian:12.15/oldstable [amd64])
Inst inetutils-telnetd (2:2.4-2+deb12u3 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64])
Inst tzdata [2026b-0+deb12u1] (2026f-0+deb12u1 Debian-Security:12/oldstable-security [all])
`;

describe('parseSimulation', () => {
  it('reads upgrades, new packages and their origins', () => {
    const p = parseSimulation(SIMULATION);
    expect(p.map((x) => [x.package, x.from ?? null, x.to, x.arch])).toEqual([
      ['perl-base', '5.36.0-7+deb12u3', '5.36.0-7+deb12u4', 'amd64'],
      ['libgdbm6', null, '1.23-3', 'amd64'],
      ['inetutils-telnetd', null, '2:2.4-2+deb12u3', 'amd64'],
      ['tzdata', '2026b-0+deb12u1', '2026f-0+deb12u1', 'all'],
    ]);
    expect(p.map(fromSecurity)).toEqual([true, false, true, true]);
    expect(p[2]!.origins).toEqual(['Debian:12.15/oldstable', 'Debian-Security:12/oldstable-security']);
  });
});

const CHANGELOG = `openssl (3.0.17-1~deb12u2) bookworm-security; urgency=medium

  * CVE-2025-9230 (Out-of-bounds read & write in RFC 3211 KEK Unwrap)
  * CVE-2025-9232 (Out-of-bounds read in HTTP client no_proxy handling)

 -- Sebastian Andrzej Siewior <sebastian@breakpoint.cc>  Tue, 30 Sep 2025 21:30:12 +0200

openssl (3.0.17-1~deb12u1) bookworm; urgency=medium

  * Import 3.0.17 (CVE-2024-13176 fixed upstream).

 -- Sebastian Andrzej Siewior <sebastian@breakpoint.cc>  Sat, 12 Jul 2025 10:00:00 +0200

openssl (3.0.16-1~deb12u1) bookworm; urgency=medium

  * CVE-2024-9143.

 -- Sebastian Andrzej Siewior <sebastian@breakpoint.cc>  Sat, 01 Feb 2025 10:00:00 +0200
`;

describe('changelogs', () => {
  it('splits entries by their header lines', () => {
    expect(parseChangelog(CHANGELOG).map((e) => e.version)).toEqual(['3.0.17-1~deb12u2', '3.0.17-1~deb12u1', '3.0.16-1~deb12u1']);
  });

  it('collects the CVEs of the entries after the installed version up to the fixed one', () => {
    const cmp = (a: string, b: string) => deb.compare(a, b);
    expect(cvesBetween(CHANGELOG, '3.0.16-1~deb12u1', '3.0.17-1~deb12u2', cmp)).toEqual(['CVE-2024-13176', 'CVE-2025-9230', 'CVE-2025-9232']);
    expect(cvesBetween(CHANGELOG, '3.0.17-1~deb12u1', '3.0.17-1~deb12u2', cmp)).toEqual(['CVE-2025-9230', 'CVE-2025-9232']);
    expect(cvesBetween(CHANGELOG, '3.0.17-1~deb12u2', '3.0.17-1~deb12u2', cmp)).toEqual([]);
    expect(cvesBetween('', '1', '2', cmp)).toEqual([]);
  });
});
