import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildIndex, matchHost } from '../../engine/advisories/match.js';
import type { Advisory } from '../../engine/advisories/types.js';
import type { InstalledPackage } from '../../engine/facts/types.js';
import { mutate, pick, random, which } from '../oracle/corpus.js';
import { dpkgOrder, rpmOrder } from '../oracle/tools.js';

/**
 * The matcher's verdicts against the real tools: this machine's own dpkg database is the host, advisories fix
 * each source package at a near neighbour of its installed version, and `dpkg --compare-versions` says which
 * of them must match. Binaries rebuilt with +bN or carrying an epoch their source lacks (bsdutils from
 * util-linux) show that the comparison uses the source version.
 */

const advisory = (id: string, os: string, release: string, pkg: string, kind: 'source' | 'binary', scheme: 'deb' | 'rpm', fixed: string): Advisory => ({
  id,
  source: 'osv',
  aliases: [],
  modified: '2024-01-01T00:00:00Z',
  modifiedFrom: 'record',
  severity: 'high',
  references: [],
  affected: [{ ecosystem: { os, release, raw: `${os}:${release}` }, package: pkg, packageKind: kind, scheme, status: 'affected', fixed, ranges: [{ fixed }] }],
  origin: { location: 'oracle', pointer: '' },
});

describe.skipIf(!which('dpkg-query'))('matchHost agrees with dpkg on this machine’s real package database', () => {
  it('every installed binary matches exactly when dpkg says its source version is lower than the fix', async () => {
    const lines = execFileSync('dpkg-query', ['-W', '-f', '${Package}\t${Version}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n'], { encoding: 'utf8' }).trim().split('\n');
    const packages: Record<string, InstalledPackage> = {};
    for (const l of lines) {
      const [name, version, source, sourceVersion, abbrev] = l.split('\t') as [string, string, string, string, string];
      if (!abbrev.startsWith('ii')) continue;
      packages[name] = { name, version, arch: 'amd64', status: 'installed', source, sourceVersion };
    }
    const rnd = random(42);
    const fixes = new Map<string, string>();
    for (const p of Object.values(packages)) if (!fixes.has(p.source)) fixes.set(p.source, mutate(rnd, p.sourceVersion));
    const order = await dpkgOrder([...fixes].map(([src, fixed]) => [Object.values(packages).find((p) => p.source === src)!.sourceVersion, fixed] as const));
    const valid = [...fixes].filter((_, i) => order[i] !== 'E');
    const index = buildIndex(valid.map(([src, fixed]) => advisory(`T-${src}`, 'debian', '12', src, 'source', 'deb', fixed)));
    const got = new Set(matchHost(index, { os: { id: 'debian', versionId: '12' }, packages }).map((v) => v.package));
    const want = new Set(Object.values(packages).filter((p) => order[[...fixes.keys()].indexOf(p.source)] === '<').map((p) => p.name));
    expect(Object.keys(packages).length).toBeGreaterThan(50);
    expect(want.size).toBeGreaterThan(10);
    expect([...got].sort()).toEqual([...want].sort());
  });
});

describe.skipIf(!which('rpm'))('matchHost agrees with rpm', () => {
  it('binary RPMs match exactly when rpm.vercmp says the installed version is lower than the fix', async () => {
    const base = ['5.14.0-362.8.1.el9_3', '1:0.17-65.el7_6', '2.20.0-3.el8_8', '3.0.7-25.el9_3', '1:1.1.1k-12.el8_9', '2.9.13-5.el9_3', '0.9.8-1.el9'];
    const rnd = random(7);
    const packages: Record<string, InstalledPackage> = {};
    const advisories: Advisory[] = [];
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i < 400; i++) {
      const installed = mutate(rnd, pick(rnd, base));
      const fixed = mutate(rnd, pick(rnd, base));
      const name = `pkg${i}`;
      packages[name] = { name, version: installed, arch: 'x86_64', status: 'installed', source: `${name}-src`, sourceVersion: installed };
      advisories.push(advisory(`R-${i}`, 'almalinux', '9', name, 'binary', 'rpm', fixed));
      pairs.push([installed, fixed]);
    }
    const order = await rpmOrder(pairs);
    const got = new Set(matchHost(buildIndex(advisories), { os: { id: 'almalinux', versionId: '9.3' }, packages }).map((v) => v.package));
    const want = new Set(pairs.flatMap(([,], i) => (order[i] === '-1' ? [`pkg${i}`] : [])));
    expect(want.size).toBeGreaterThan(50);
    expect([...got].sort()).toEqual([...want].sort());
  });
});
