import type { MirrorInfo } from '../../engine/lab/index.js';

/**
 * OSV records for the lab mirror's real security updates, as Debian would publish them: one record per source
 * package, fixed at the source version of the security build, aliased to the CVE ids its changelog names. Plus
 * records that must never match a lab host. Generated from mirror.json, never hard-coded: the archive moves.
 */

export interface OsvRecord {
  id: string;
  modified: string;
  published: string;
  aliases: string[];
  summary: string;
  withdrawn?: string;
  severity?: Array<{ type: string; score: string }>;
  affected: Array<{ package: { ecosystem: string; name: string }; ranges: Array<{ type: 'ECOSYSTEM'; events: Array<Record<string, string>> }> }>;
}

const CRITICAL = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const MEDIUM = 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N';

const record = (id: string, ecosystem: string, name: string, fixed: string, aliases: string[], extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id,
  modified: '2026-11-20T00:00:00Z',
  published: '2026-11-20T00:00:00Z',
  aliases,
  summary: `${name} security update`,
  affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
  ...extra,
});

/** Per source package of the mirror's security updates: the source, its fixed source version and the advisory id. */
export function securitySources(mirror: MirrorInfo): Array<{ source: string; fixed: string; cves: string[]; binaries: string[]; id: string }> {
  const by = new Map<string, { source: string; fixed: string; cves: Set<string>; binaries: Set<string> }>();
  for (const u of mirror.securityUpdates) {
    const e = by.get(u.source) ?? { source: u.source, fixed: u.sourceVersion, cves: new Set<string>(), binaries: new Set<string>() };
    u.cves.forEach((c) => e.cves.add(c));
    e.binaries.add(u.package);
    by.set(u.source, e);
  }
  return [...by.values()]
    .sort((a, b) => a.source.localeCompare(b.source))
    .map((e, i) => ({ source: e.source, fixed: e.fixed, cves: [...e.cves].sort(), binaries: [...e.binaries].sort(), id: `DSA-${9100 + i}-1` }));
}

export function osvRecords(mirror: MirrorInfo, installed: { opensslSourceVersion: string }): { matching: OsvRecord[]; notMatching: OsvRecord[] } {
  const matching = securitySources(mirror).map((s, i) => record(s.id, 'Debian:12', s.source, s.fixed, s.cves, { severity: [{ type: 'CVSS_V3', score: i % 2 ? MEDIUM : CRITICAL }] }));
  const notMatching = [
    // Not installed on the image.
    record('DSA-9901-1', 'Debian:12', 'nginx', '1.99.0-1', ['CVE-2099-0001']),
    // Fixed before the installed version: the hosts already have the fix.
    record('DSA-9902-1', 'Debian:12', 'openssl', lowerThan(installed.opensslSourceVersion), ['CVE-2099-0002']),
    // Another release.
    record('DSA-9903-1', 'Debian:11', 'openssl', '99.0-1', ['CVE-2099-0003']),
    // Withdrawn.
    record('DSA-9904-1', 'Debian:12', 'openssl', '99.0-1', ['CVE-2099-0004'], { withdrawn: '2026-11-21T00:00:00Z' }),
  ];
  return { matching, notMatching };
}

/** The tightest version below: dpkg sorts a trailing '~' before the version itself. */
function lowerThan(v: string): string {
  return `${v}~`;
}
