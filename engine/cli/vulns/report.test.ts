import { describe, expect, it } from 'vitest';
import type { VulnerabilityEntry } from '../../advisories/assess.js';
import { DEFAULT_POLICY } from '../../prioritize/policy.js';
import { buildReport, exitCodeFor, type HostReport } from './report.js';

const entry = (over: Partial<VulnerabilityEntry>): VulnerabilityEntry => ({
  vulnerability: 'CVE-2026-1',
  ids: ['CVE-2026-1'],
  advisories: ['DSA-1-1'],
  severity: 'high',
  sourcePackage: 'openssl',
  sourceVersion: '1',
  packages: [],
  fixed: '2',
  status: 'affected',
  mirror: { available: true },
  remediations: [],
  open: true,
  priority: { tier: 'normal', score: 10, deadline: '2026-12-20T00:00:00.000Z', deadlineFrom: 'tier', overdue: false, knew: '2026-11-20T00:00:00Z', reasons: [] },
  ...over,
});
const host = (name: string, system: string, entries: VulnerabilityEntry[], error?: HostReport['error']): HostReport => ({ host: name, system, ring: 'pilot', os: 'debian 12', entries, unorderable: [], ...(error ? { error } : {}) });
const approved = [{ id: 'PLB-1', source: 'x:1', by: 'advisory' as const, applies: true, approved: true, approval: 'APR-1' }];
const awaiting = [{ id: 'PLB-2', source: 'y:1', by: 'package' as const, applies: true, approved: false, awaiting: 'no approval' }];

describe('the vulns report', () => {
  const hosts = [
    host('wiki', 'intranet', [entry({ severity: 'critical', remediations: approved, priority: { tier: 'emergency', score: 30, deadline: '2026-11-27T00:00:00.000Z', deadlineFrom: 'tier', overdue: false, knew: 'x', reasons: [] } })]),
    host('web', 'payroll', [
      entry({ sourcePackage: 'zlib', remediations: awaiting, mirror: { available: false } }),
      entry({ sourcePackage: 'curl', priority: { tier: 'normal', score: 12, deadline: '2026-12-20T00:00:00.000Z', deadlineFrom: 'tier', overdue: false, knew: 'x', reasons: [] } }),
      entry({ sourcePackage: 'bash', open: false, exception: { id: 'EXC-1', kind: 'deferral', expires: '2027-01-01', source: 'z:1', via: 'finding' } }),
      entry({ sourcePackage: 'gzip', open: false, status: 'not-affected', priority: undefined }),
    ]),
    host('db', 'payroll', []),
  ];

  it('counts per system and in total what is open, fixable, approved, awaiting, unanswered, excepted', () => {
    const r = buildReport({ generatedAt: new Date('2026-11-25T00:00:00Z'), commit: null, advisories: 3, mirrors: [], hosts, policy: DEFAULT_POLICY, worklist: true });
    expect(r.hosts.map((h) => h.host)).toEqual(['wiki', 'db', 'web']);
    expect(r.summary).toMatchObject({ hosts: 3, vulnerableHosts: 2, open: 3, fixOnMirror: 2, approved: 1, awaitingApproval: 1, withoutRemediation: 1, excepted: 1, suppressed: 1, unreachable: 0 });
    expect(r.summary.bySeverity).toMatchObject({ critical: 1, high: 2 });
    expect(r.systems.map((s) => [s.system, s.hosts, s.open])).toEqual([
      ['intranet', 1, 1],
      ['payroll', 2, 2],
    ]);
    expect(exitCodeFor(r)).toBe(2);
  });

  it('orders the work list by tier, deadline, then score', () => {
    const r = buildReport({ generatedAt: new Date(), commit: null, advisories: 3, mirrors: null, hosts, policy: DEFAULT_POLICY, worklist: true });
    expect(r.worklist!.map((w) => [w.host, w.sourcePackage, w.tier, w.remediation, w.approved])).toEqual([
      ['wiki', 'openssl', 'emergency', 'PLB-1', true],
      ['web', 'curl', 'normal', null, false],
      ['web', 'zlib', 'normal', 'PLB-2', false],
    ]);
  });

  it('exit 0 with nothing open, 1 when a host could not be examined', () => {
    const clean = buildReport({ generatedAt: new Date(), commit: null, advisories: 0, mirrors: null, hosts: [host('db', 'payroll', [])], policy: DEFAULT_POLICY, worklist: false });
    expect(exitCodeFor(clean)).toBe(0);
    expect(clean.worklist).toBeUndefined();
    const down = buildReport({ generatedAt: new Date(), commit: null, advisories: 0, mirrors: null, hosts: [host('db', 'payroll', [], { code: 'E_SSH_CONNECT', message: 'refused' })], policy: DEFAULT_POLICY, worklist: false });
    expect(exitCodeFor(down)).toBe(1);
    expect(down.summary.unreachable).toBe(1);
  });
});
