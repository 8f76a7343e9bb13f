import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, sample } from '../../../test/advisories/official.js';
import { ingest } from '../ingest.js';
import { debianTracker } from './index.js';

const NOW = '2026-01-01T00:00:00Z';
const run = (value: unknown) => ingest('tracker.json', new TextEncoder().encode(JSON.stringify(value, null, 2)), { now: NOW });

describe.skipIf(!HAVE_SHARED)('Debian tracker importer on the real sample in ../shared/data', () => {
  const r = HAVE_SHARED ? ingest('tracker.json', sample('debian-tracker/debian-tracker-sample.json'), { now: NOW }) : undefined;

  it('reads every (package, CVE) entry without errors; one advisory per CVE', () => {
    expect(r!.format).toBe('debian-tracker');
    expect(r!.records).toBe(7);
    expect(r!.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(r!.advisories.map((a) => a.id).sort()).toEqual(['CVE-2005-3111', 'CVE-2007-2383', 'CVE-2008-7220', 'CVE-2013-1444', 'CVE-2022-0358', 'CVE-2022-0456', 'CVE-2025-53603']);
  });

  it('maps codenames to releases, statuses to fixed / affected / not-affected, urgencies to severities', () => {
    const byId = new Map(r!.advisories.map((a) => [a.id, a]));
    const chromium = byId.get('CVE-2022-0456')!;
    expect(chromium.modifiedFrom).toBe('import');
    expect(chromium.modified).toBe(NOW);
    const rel = (release: string) => chromium.affected.find((a) => a.ecosystem.release === release);
    expect(rel('12')).toMatchObject({ package: 'chromium', packageKind: 'source', scheme: 'deb', status: 'affected', fixed: '98.0.4758.80-1', ecosystem: { os: 'debian', raw: 'bookworm' } });
    expect(rel('11')).toMatchObject({ fixed: '98.0.4758.80-1~deb11u1' });
    expect(rel('10')).toMatchObject({ status: 'affected', note: 'end-of-life: no fix will come for this release' });
    expect(rel('10')!.fixed).toBeUndefined();
    // fixed_version 0: the vulnerable code never shipped.
    expect(byId.get('CVE-2007-2383')!.affected.every((a) => a.status === 'not-affected' && a.severity === 'negligible')).toBe(true);
    expect(byId.get('CVE-2008-7220')!.severity).toBe('high');
    expect(byId.get('CVE-2013-1444')!.severity).toBe('low');
    expect(byId.get('CVE-2025-53603')!.affected.map((a) => [a.ecosystem.release, a.fixed])).toEqual([
      ['12', '5.8.0-1+deb12u1'],
      ['11', '5.0.1-2+deb11u1'],
      ['unstable', '5.12.1-2'],
      ['13', '5.12.1-2'],
    ]);
    expect(byId.get('CVE-2022-0358')!.affected).toEqual([]);
  });
});

describe('Debian tracker importer on constructed input', () => {
  const good = { description: 'x', scope: 'remote', releases: { bookworm: { status: 'resolved', fixed_version: '1.2-3', urgency: 'medium', repositories: { bookworm: '1.2-3' } } } };

  it('gathers every source package of one CVE into one advisory', () => {
    const r = run({ openssl: { 'CVE-2024-1': good }, 'openssl1.1': { 'CVE-2024-1': good } });
    expect(r.advisories).toHaveLength(1);
    expect(r.advisories[0]!.affected.map((a) => a.package)).toEqual(['openssl', 'openssl1.1']);
    expect(r.advisories[0]!.title).toBe('CVE-2024-1 in openssl, openssl1.1');
  });

  it('malformed entries are located and skipped; the rest is imported', () => {
    const r = run({
      a: { 'CVE-2024-1': good, 'CVE-2024-2': { releases: { bookworm: { status: 'fixed' } } }, 'CVE-2024-3': { releases: { bookworm: { status: 'resolved', fixed_version: '1.0 2' } } } },
      'b b': { 'CVE-2024-4': good },
      c: { 'CVE-2024-5': { description: 'no releases' }, '../etc': good },
      d: { 'CVE-2024-6': { releases: { experimental: { status: 'open' } } } },
    });
    expect(r.advisories.map((a) => a.id)).toEqual(['CVE-2024-1', 'CVE-2024-3', 'CVE-2024-6']);
    expect(r.problems.map((p) => [p.severity, p.code, p.pointer])).toEqual([
      ['error', 'schema', '/a/CVE-2024-2/releases/bookworm/status'],
      ['error', 'bad-version', '/a/CVE-2024-3/releases/bookworm/fixed_version'],
      ['error', 'bad-package', '/b b'],
      ['error', 'schema', '/c/CVE-2024-5'],
      ['error', 'bad-id', '/c/..~1etc'],
      ['warning', 'unknown-release', '/d/CVE-2024-6/releases/experimental'],
    ]);
    expect(r.problems.every((p) => p.line > 1)).toBe(true);
  });

  it('undetermined is under investigation; open is affected without a fix', () => {
    const r = run({ x: { 'CVE-2024-7': { releases: { bookworm: { status: 'undetermined' }, bullseye: { status: 'open', urgency: 'unimportant' } } } } });
    expect(r.advisories[0]!.affected.map((a) => [a.ecosystem.release, a.status, a.fixed, a.severity])).toEqual([
      ['12', 'under-investigation', undefined, undefined],
      ['11', 'affected', undefined, 'negligible'],
    ]);
  });

  it('detects the tracker shape only', () => {
    expect(debianTracker.detect({ openssl: { 'CVE-2024-1': good } })).toBe(true);
    expect(debianTracker.detect({ id: 'DSA-1', modified: 'x' })).toBe(false);
    expect(debianTracker.detect({ document: {} })).toBe(false);
    expect(debianTracker.detect({})).toBe(false);
  });
});
