import { buildIndex, matchHost, type StoredAdvisory } from '../advisories/index.js';
import { diffHost } from '../diff/index.js';
import type { Facts } from '../facts/types.js';
import type { ActionRecord, RunRecord } from '../ledger/types.js';
import { loadSnapshot } from '../model/load.js';
import type { Model } from '../model/types.js';
import type { GitHistory, HostObservation, MetricsInput, ProgramSettings } from './types.js';

/**
 * A small organization with a fixed timeline, for unit tests of the pure metrics (the proof against real hosts
 * and a real ledger is test/metrics). Every figure the tests expect is worked out by hand in metrics.test.ts.
 *
 *   Jan 1 00:00  DSA-1 (CVE-2026-0001, openssl, high) published;     06:00 imported
 *   Jan 1 12:00  PLB-1 (patch openssl) committed
 *   Jan 2 00:00  APR-1 (PLB-1, pilot) merged;  05:00 run 1: web-1 (pilot) verified 06:00
 *   Jan 3 00:00  APR-2 (PLB-1, pilot + broad) merged;  11:00 run 2: web-2 (broad) verified 12:00; db-1 has an exception
 *   Jan 4 00:00  PLB-2 (patch bash, critical, no advisory) committed; 06:00 APR-3 merged
 *   Jan 5 00:00  CVE-2026-0003 (openssh, critical, no fix) published; 02:00 imported; 03:00 PLB-3 (emergency
 *                configuration) committed; 04:00 APR-4 (emergency) merged; run 3: web-1 verified 05:30, web-2 06:00
 *   Jan 6 00:00  run 4: PLB-2 fails on wiki-1 (still open)
 *   Jan 10 00:00 now
 */
const enc = new TextEncoder();

export const FILES: Record<string, string> = {
  'inventory/org.yaml': `
systems:
  - { name: payroll, impact: high, owner: Finance }
  - { name: intranet, impact: moderate, owner: Workplace }
rings:
  - { name: pilot }
  - { name: broad }
board:
  members:
    - { id: alice, name: Alice, email: alice@example.org }
    - { id: bob, name: Bob, email: bob@example.org }
hosts:
  - { name: web-1, address: 10.0.0.1, system: payroll, baseline: base, ring: pilot, tags: [internet-facing] }
  - { name: web-2, address: 10.0.0.2, system: payroll, baseline: base, ring: broad, tags: [internet-facing] }
  - { name: db-1, address: 10.0.0.3, system: payroll, baseline: base, ring: broad }
  - { name: wiki-1, address: 10.0.1.1, system: intranet, baseline: base, ring: pilot }
`,
  'baselines/base.yaml': 'name: base\nplatform: { os: debian }\n',
  'remediations/PLB-1.yaml': `
id: PLB-1
title: OpenSSL update
advisories: [DSA-1, CVE-2026-0001]
severity: high
kind: patch
selector: { package: { name: openssl, source: true, affected: "< 3.0.2-1" } }
action: { packages: [{ name: openssl, version: 3.0.2-1 }] }
proposed_by: dave
`,
  'remediations/PLB-2.yaml': `
id: PLB-2
title: Bash update
severity: critical
kind: patch
selector: { package: { name: bash, affected: "< 5.2-2" } }
action: { packages: [{ name: bash, version: 5.2-2 }] }
proposed_by: dave
`,
  'remediations/PLB-3.yaml': `
id: PLB-3
title: sshd LoginGraceTime workaround
advisories: [CVE-2026-0003]
severity: critical
kind: configuration
emergency: true
selector: { tags: [internet-facing] }
action: { settings: [{ file: /etc/ssh/sshd_config, values: { LoginGraceTime: 0 } }] }
proposed_by: erin
`,
  'remediations/approvals/APR-1.yaml': 'id: APR-1\nremediation: PLB-1\nrings: [pilot]\napprover: alice\ndate: 2026-01-01\nticket: CHG-1\n',
  'remediations/approvals/APR-2.yaml': 'id: APR-2\nremediation: PLB-1\nrings: [pilot, broad]\napprover: alice\ndate: 2026-01-02\nticket: CHG-2\n',
  'remediations/approvals/APR-3.yaml': 'id: APR-3\nremediation: PLB-2\nrings: [pilot, broad]\napprover: bob\ndate: 2026-01-04\nticket: CHG-3\n',
  'remediations/approvals/APR-4.yaml': 'id: APR-4\nremediation: PLB-3\nrings: [pilot, broad]\napprover: bob\ndate: 2026-01-05\nticket: CHG-4\nemergency: true\n',
  'remediations/exceptions/EXC-1.yaml': 'id: EXC-1\nhost: db-1\nremediation: PLB-1\nkind: deferral\nreason: vendor certification\napprover: bob\nexpires: 2027-01-01\n',
};

export function fixtureModel(extra: Record<string, string> = {}): Model {
  const files = Object.entries({ ...FILES, ...extra }).map(([path, text]) => ({ path, bytes: enc.encode(text) }));
  const r = loadSnapshot({ commit: null, files }, { now: new Date('2026-01-10T00:00:00Z') });
  const errors = r.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`fixture does not validate: ${errors.map((p) => `${p.file}:${p.line} ${p.message}`).join('; ')}`);
  return r.model;
}

const sha = (n: number) => String(n).repeat(40).slice(0, 40);

export const GIT: GitHistory = {
  files: {
    'remediations/PLB-1.yaml': { written: '2026-01-01T12:00:00Z', writtenCommit: sha(1), merged: '2026-01-01T12:00:00Z', mergedCommit: sha(1) },
    'remediations/approvals/APR-1.yaml': { written: '2026-01-01T20:00:00Z', writtenCommit: sha(2), merged: '2026-01-02T00:00:00Z', mergedCommit: sha(3) },
    'remediations/approvals/APR-2.yaml': { written: '2026-01-02T20:00:00Z', writtenCommit: sha(4), merged: '2026-01-03T00:00:00Z', mergedCommit: sha(5) },
    'remediations/PLB-2.yaml': { written: '2026-01-04T00:00:00Z', writtenCommit: sha(6), merged: '2026-01-04T00:00:00Z', mergedCommit: sha(6) },
    'remediations/approvals/APR-3.yaml': { written: '2026-01-04T06:00:00Z', writtenCommit: sha(7), merged: '2026-01-04T06:00:00Z', mergedCommit: sha(7) },
    'remediations/PLB-3.yaml': { written: '2026-01-05T03:00:00Z', writtenCommit: sha(8), merged: '2026-01-05T03:00:00Z', mergedCommit: sha(8) },
    'remediations/approvals/APR-4.yaml': { written: '2026-01-05T04:00:00Z', writtenCommit: sha(9), merged: '2026-01-05T04:00:00Z', mergedCommit: sha(9) },
  },
  commits: { [sha(1)]: { sha: sha(1), date: '2026-01-01T12:00:00Z', author: 'Dave', subject: 'PLB-1: openssl for payroll' } },
};

const deb = { os: 'debian', release: '12', raw: 'Debian:12' };
export const ADVISORIES: StoredAdvisory[] = [
  {
    id: 'DSA-1', source: 'osv', aliases: ['CVE-2026-0001'], published: '2026-01-01T00:00:00Z', modified: '2026-01-01T00:00:00Z', modifiedFrom: 'record', knew: '2026-01-01T06:00:00Z',
    severity: 'high', references: [], origin: { location: 'fixture', pointer: '' },
    affected: [{ ecosystem: deb, package: 'openssl', packageKind: 'source', scheme: 'deb', status: 'affected', fixed: '3.0.2-1', ranges: [{ introduced: '0', fixed: '3.0.2-1' }] }],
  },
  {
    id: 'CVE-2026-0003', source: 'debian-tracker', aliases: [], published: '2026-01-05T00:00:00Z', modified: '2026-01-05T00:00:00Z', modifiedFrom: 'record', knew: '2026-01-05T02:00:00Z',
    severity: 'critical', references: [], origin: { location: 'fixture', pointer: '' },
    affected: [{ ecosystem: deb, package: 'openssh', packageKind: 'source', scheme: 'deb', status: 'affected' }],
  },
];

type Pkgs = Record<string, string>;
export function facts(host: string, pkgs: Pkgs, listening: Facts['listening'], settings: Facts['settings'] = {}): Facts {
  const packages: NonNullable<Facts['packages']> = {};
  for (const [name, version] of Object.entries({ 'openssh-server': '1:9.2p1-2', ...pkgs })) {
    const source = name === 'openssh-server' ? 'openssh' : name;
    packages[name] = { name, version, arch: 'amd64', status: 'installed', source, sourceVersion: version.replace(/^\d+:/, '') };
  }
  return {
    host, gatheredAt: '2026-01-10T00:00:00Z', os: { id: 'debian', versionId: '12', versionCodename: 'bookworm' }, kernel: '6.1.0', arch: 'amd64', platform: 'apt',
    packages, held: [], files: {}, settings, services: {}, sysctl: {}, listening, rebootRequired: false, rebootPackages: [], uptimeSeconds: 1, unknown: [],
  };
}

const web = (h: string) =>
  facts(h, { openssl: '3.0.2-1', bash: '5.2-2' }, [
    { proto: 'tcp', address: '0.0.0.0', port: 22 },
    { proto: 'tcp', address: '0.0.0.0', port: 443, process: 'nginx' },
    { proto: 'tcp', address: '::', port: 443, process: 'nginx' },
    { proto: 'tcp', address: '127.0.0.1', port: 25 },
  ], { '/etc/ssh/sshd_config': { LoginGraceTime: '0' } });

export function fixtureFacts(): Record<string, Facts> {
  return {
    'web-1': web('web-1'),
    'web-2': web('web-2'),
    'db-1': facts('db-1', { openssl: '3.0.1-1', bash: '5.2-2' }, [{ proto: 'tcp', address: '0.0.0.0', port: 22 }, { proto: 'tcp', address: '10.0.0.3', port: 5432 }]),
    'wiki-1': facts('wiki-1', { openssl: '3.0.2-1', bash: '5.2-1' }, [{ proto: 'tcp', address: '0.0.0.0', port: 22 }, { proto: 'tcp', address: '0.0.0.0', port: 80 }]),
  };
}

export function observe(model: Model, all: Record<string, Facts | null>, advisories = ADVISORIES, now = new Date('2026-01-10T00:00:00Z')): Record<string, HostObservation> {
  const index = buildIndex(advisories);
  const out: Record<string, HostObservation> = {};
  for (const [name, f] of Object.entries(all)) {
    const host = model.hosts.get(name)!;
    out[name] = f ? { facts: f, diff: diffHost(model, host, f, now), vulnerabilities: matchHost(index, f) } : { facts: null, error: { code: 'E_SSH', message: 'unreachable' }, diff: null, vulnerabilities: [] };
  }
  return out;
}

const origin = (id: string, severity: 'high' | 'critical', emergency = false) => ({ kind: 'remediation' as const, id, severity, emergency });

export function action(host: string, n: number, o: { rem: string; severity: 'high' | 'critical'; finding: string; result: ActionRecord['result']; verifiedAt?: string; emergency?: boolean }): ActionRecord {
  return {
    id: `${host}#${n}`, type: o.finding.startsWith('setting') ? 'setting-set' : 'package-install', params: {}, finding: o.finding, findingKind: o.finding.startsWith('setting') ? 'setting' : 'package-vulnerable',
    origin: origin(o.rem, o.severity, o.emergency), source: `remediations/${o.rem}.yaml:2@${sha(1).slice(0, 12)}`, before: 'old', after: 'new', result: o.result,
    ...(o.verifiedAt ? { startedAt: o.verifiedAt, appliedAt: o.verifiedAt, verifiedAt: o.verifiedAt } : {}),
  };
}

export function run(id: string, startedAt: string, hosts: Array<{ host: string; system: string; ring: string; actions: ActionRecord[] }>, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id, kind: 'apply', status: 'completed', startedAt, endedAt: startedAt, commit: sha(1), approvals: [], operator: { user: 'root', hostname: 'control' }, rings: [],
    hosts: hosts.map((h) => ({ ...h, status: 'changed', packagesBefore: {}, startedAt, endedAt: startedAt })),
    ...extra,
  };
}

export const RUNS: RunRecord[] = [
  run('20260102T050000Z-aaaaaa', '2026-01-02T05:00:00Z', [{ host: 'web-1', system: 'payroll', ring: 'pilot', actions: [action('web-1', 1, { rem: 'PLB-1', severity: 'high', finding: 'package-vulnerable:openssl', result: 'verified', verifiedAt: '2026-01-02T06:00:00Z' })] }]),
  run('20260103T110000Z-bbbbbb', '2026-01-03T11:00:00Z', [{ host: 'web-2', system: 'payroll', ring: 'broad', actions: [action('web-2', 1, { rem: 'PLB-1', severity: 'high', finding: 'package-vulnerable:openssl', result: 'verified', verifiedAt: '2026-01-03T12:00:00Z' })] }]),
  run('20260105T050000Z-cccccc', '2026-01-05T05:00:00Z', [
    { host: 'web-1', system: 'payroll', ring: 'pilot', actions: [action('web-1', 1, { rem: 'PLB-3', severity: 'critical', emergency: true, finding: 'setting:/etc/ssh/sshd_config:LoginGraceTime', result: 'verified', verifiedAt: '2026-01-05T05:30:00Z' })] },
    { host: 'web-2', system: 'payroll', ring: 'broad', actions: [action('web-2', 1, { rem: 'PLB-3', severity: 'critical', emergency: true, finding: 'setting:/etc/ssh/sshd_config:LoginGraceTime', result: 'verified', verifiedAt: '2026-01-05T06:00:00Z' })] },
  ]),
  run('20260106T000000Z-dddddd', '2026-01-06T00:00:00Z', [{ host: 'wiki-1', system: 'intranet', ring: 'pilot', actions: [action('wiki-1', 1, { rem: 'PLB-2', severity: 'critical', finding: 'package-vulnerable:bash', result: 'failed' })] }], { status: 'halted' }),
];

export const SETTINGS: ProgramSettings = {
  targets: {},
  perimeter: [{ name: 'dmz', tags: ['internet-facing'], allow: ['443/tcp'] }],
  exposureTags: ['internet-facing'],
  serviceWeights: { '22/tcp': 2 },
};

export function fixtureInput(over: Partial<MetricsInput> = {}): MetricsInput {
  const model = over.model ?? fixtureModel();
  return {
    model,
    now: '2026-01-10T00:00:00Z',
    period: { from: '2026-01-01', to: '2026-01-10T00:00:00Z' },
    hosts: observe(model, fixtureFacts()),
    advisories: ADVISORIES,
    runs: RUNS,
    git: GIT,
    program: SETTINGS,
    ...over,
  };
}
