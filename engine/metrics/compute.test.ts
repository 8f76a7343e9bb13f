import { describe, expect, it } from 'vitest';
import { computeMetrics } from './compute.js';
import { fixtureFacts, fixtureInput, fixtureModel, observe, run, action, RUNS, SETTINGS } from './fixtures.test-helper.js';
import type { Metric, MetricId, RatioMetric, ScopeMetrics, TimeMetric } from './types.js';

const H = 3600;
const metric = <M extends Metric>(s: ScopeMetrics | undefined, id: MetricId) => s!.metrics.find((m) => m.id === id) as M;
const system = (r: ReturnType<typeof computeMetrics>, name: string) => r.systems.find((s) => s.system === name)!;

describe('computeMetrics on the fixed timeline (fixtures.test-helper.ts)', () => {
  const report = computeMetrics(fixtureInput());
  const payroll = system(report, 'payroll');
  const intranet = system(report, 'intranet');

  it('tags every metric with its table 3-1 unit and SP 800-26 maturity level', () => {
    expect(payroll.metrics.map((m) => [m.id, m.unit, m.maturity])).toEqual([
      ['vulnerability-ratio', 'vulnerabilities / host', 3],
      ['unapplied-patch-ratio', 'patches / host', 3],
      ['network-service-ratio', 'network services / host', 3],
      ['identification-time', 'time', 4],
      ['patch-response-critical', 'time', 4],
      ['patch-response-noncritical', 'time', 4],
      ['emergency-configuration-response', 'time', 4],
    ]);
  });

  it('vulnerability ratio: raw and per host, by severity, counted with and without the perimeter', () => {
    // CVE-2026-0003 (openssh, no fix) on all three payroll hosts; db-1's DSA-1 is under exception EXC-1.
    const v = metric<RatioMetric>(payroll, 'vulnerability-ratio');
    expect(v).toMatchObject({ hosts: 3, total: { all: 3, exposed: 2 }, perHost: { all: 1, exposed: 2 / 3 } });
    expect(v.bySeverity).toEqual({ critical: { total: { all: 3, exposed: 2 }, perHost: { all: 1, exposed: 2 / 3 } } });
    // wiki-1: CVE-2026-0003 and PLB-2's open finding (no advisory: counted under the remediation's id).
    expect(metric<RatioMetric>(intranet, 'vulnerability-ratio')).toMatchObject({ hosts: 1, total: { all: 2, exposed: 0 } });
  });

  it('unapplied patch ratio: open patch remediations and fixes no remediation covers; exceptions left out', () => {
    expect(metric<RatioMetric>(payroll, 'unapplied-patch-ratio')).toMatchObject({ hosts: 3, total: { all: 0, exposed: 0 } });
    expect(metric<RatioMetric>(intranet, 'unapplied-patch-ratio')).toMatchObject({ total: { all: 1, exposed: 0 }, bySeverity: { critical: { total: { all: 1, exposed: 0 } } } });
  });

  it('network service ratio: listening ports beyond loopback, one per port, weighted, exposed through the perimeter', () => {
    // web-*: 22 and 443 (443 twice: v4 and v6; 25 on loopback does not count); db-1: 22, 5432. 22/tcp weighs 2.
    // The dmz rule lets only 443/tcp through to internet-facing hosts.
    const s = metric<RatioMetric>(payroll, 'network-service-ratio');
    expect(s).toMatchObject({ hosts: 3, total: { all: 6, exposed: 2 }, weighted: { all: 9, exposed: 2 }, perHost: { all: 3, exposed: 2 / 3 } });
    expect(s.items.find((i) => i.host === 'db-1')).toMatchObject({ count: 2, exposed: 0, hostExposed: false });
  });

  it('identification time: published → imported (or first commit naming it), per vulnerability', () => {
    const t = metric<TimeMetric>(payroll, 'identification-time');
    expect(t.items.map((i) => [i.id, i.seconds, i.knewFrom])).toEqual([
      ['CVE-2026-0001', 6 * H, 'advisory DSA-1 imported'],
      ['CVE-2026-0003', 2 * H, 'advisory CVE-2026-0003 imported'],
    ]);
    expect(t.stats).toEqual({ count: 2, min: 2 * H, median: 4 * H, mean: 4 * H, p90: 6 * H, max: 6 * H });
    expect(t.bySeverity.high?.median).toBe(6 * H);
    expect(t.bySeverity.critical?.median).toBe(2 * H);
  });

  it('patch response time (non-critical): knew → every relevant host verified, with its four phases', () => {
    const t = metric<TimeMetric>(payroll, 'patch-response-noncritical');
    // Jan 1 06:00 knew → Jan 3 12:00 web-2 verified: 54 h; db-1 is excluded by EXC-1 and does not hold it up.
    expect(t.items).toHaveLength(1);
    expect(t.items[0]).toMatchObject({ id: 'PLB-1', seconds: 54 * H, start: '2026-01-01T06:00:00.000Z', end: '2026-01-03T12:00:00.000Z', hosts: { relevant: 2, done: 2 } });
    // analysis 06:00 → 12:00 committed; approval 12 h to APR-1 plus 18 h from pilot verified to APR-2 (broad);
    // testing APR-1 → web-1 (pilot) verified 6 h; deployment APR-2 → web-2 verified 12 h. They add up to 54 h.
    expect(t.items[0]!.phases).toEqual({ analysis: 6 * H, testing: 6 * H, approval: 30 * H, deployment: 12 * H });
    expect(t.phases).toEqual(t.items[0]!.phases);
  });

  it('patch response time (critical): an open remediation is listed with its age, not averaged in', () => {
    const t = metric<TimeMetric>(intranet, 'patch-response-critical');
    expect(t.stats).toBeUndefined();
    expect(t.open).toBe(1);
    // PLB-2 names no advisory: the group knew when it was committed (Jan 4 00:00); open until the period's end.
    expect(t.items[0]).toMatchObject({ id: 'PLB-2', openSeconds: 6 * 24 * H, hosts: { relevant: 1, done: 0 }, knewFrom: 'commit 666666666666 added remediations/PLB-2.yaml' });
  });

  it('emergency configuration response time: knew → the workaround verified everywhere', () => {
    const t = metric<TimeMetric>(payroll, 'emergency-configuration-response');
    expect(t.items[0]).toMatchObject({ id: 'PLB-3', seconds: 4 * H, phases: { analysis: H, approval: H, testing: 1.5 * H, deployment: 0.5 * H } });
  });

  it('lists exclusions separately: the exception, what it covers, and why', () => {
    expect(payroll.excluded).toEqual([
      { host: 'db-1', kind: 'deferral', subject: 'CVE-2026-0001', remediation: 'PLB-1', by: 'EXC-1', expires: '2027-01-01', reason: 'vendor certification' },
      { host: 'db-1', kind: 'deferral', subject: 'package-vulnerable:openssl', remediation: 'PLB-1', by: 'EXC-1', expires: '2027-01-01', reason: 'vendor certification' },
    ]);
    expect(intranet.excluded).toEqual([]);
  });

  it('compliance, chart data: latencies per host, rollout per ring, open vulnerabilities over time', () => {
    expect(payroll.compliance).toEqual({ compliant: 3, observed: 3, percent: 100 });
    expect(intranet.compliance).toEqual({ compliant: 0, observed: 1, percent: 0 });
    expect(payroll.latencies).toEqual([
      { remediation: 'PLB-1', host: 'web-1', severity: 'high', critical: false, seconds: 24 * H },
      { remediation: 'PLB-1', host: 'web-2', severity: 'high', critical: false, seconds: 54 * H },
    ]);
    expect(payroll.rollout[0]).toEqual({ remediation: 'PLB-1', title: 'OpenSSL update', severity: 'high', rings: [{ ring: 'pilot', relevant: 1, done: 1, excluded: 0 }, { ring: 'broad', relevant: 1, done: 1, excluded: 1 }] });
    // Daily samples at midnight: CVE-2026-0001 open on web-1 and web-2 on Jan 2, on web-2 alone on Jan 3.
    expect(payroll.history.times).toHaveLength(10);
    expect(payroll.history.bySeverity.high).toEqual([0, 2, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(payroll.history.bySeverity.critical).toEqual([0, 0, 0, 0, 0, 3, 3, 3, 3, 3]);
    // wiki-1: PLB-2 (no advisory) open since it was committed on Jan 4; CVE-2026-0003 since its import on Jan 5.
    expect(intranet.history.bySeverity.critical).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 2, 2]);
  });

  it('sums the organization over every system', () => {
    const org = report.organization!;
    expect(org.system).toBeNull();
    expect(metric<RatioMetric>(org, 'vulnerability-ratio')).toMatchObject({ hosts: 4, total: { all: 5, exposed: 2 } });
    expect(metric<TimeMetric>(org, 'patch-response-critical').open).toBe(1);
  });

  it('applies targets and says whether each is met', () => {
    const r = computeMetrics(fixtureInput({ program: { ...SETTINGS, targets: { 'vulnerability-ratio': { max: 0.5 }, 'patch-response-noncritical': { max: 3 * 24 * H }, 'network-service-ratio': { max: 1, exposure: 'exposed' }, 'patch-response-critical': { max: 2 * 24 * H } } } }));
    const p = system(r, 'payroll');
    expect(metric(p, 'vulnerability-ratio')).toMatchObject({ met: false, compared: 1 });
    expect(metric(p, 'patch-response-noncritical')).toMatchObject({ met: true, compared: 54 * H });
    expect(metric(p, 'network-service-ratio')).toMatchObject({ met: true, compared: 2 / 3 });
    expect(metric(system(r, 'intranet'), 'patch-response-critical')).toMatchObject({ met: null }); // nothing completed to compare
  });

  it('counts the first standing verification: a completed rollback withdraws its run', () => {
    const rollback = run('20260104T000000Z-eeeeee', '2026-01-04T00:00:00Z', [{ host: 'web-2', system: 'payroll', ring: 'broad', actions: [] }], { kind: 'rollback', rollbackOf: '20260103T110000Z-bbbbbb' });
    const again = run('20260104T120000Z-ffffff', '2026-01-04T12:00:00Z', [{ host: 'web-2', system: 'payroll', ring: 'broad', actions: [action('web-2', 1, { rem: 'PLB-1', severity: 'high', finding: 'package-vulnerable:openssl', result: 'verified', verifiedAt: '2026-01-04T12:00:00Z' })] }]);
    const r = computeMetrics(fixtureInput({ runs: [...RUNS.slice(0, 2), rollback, again, ...RUNS.slice(2)] }));
    expect(metric<TimeMetric>(system(r, 'payroll'), 'patch-response-noncritical').items[0]).toMatchObject({ seconds: 78 * H, end: '2026-01-04T12:00:00.000Z' });
  });

  it('reads the ledger only up to the end of the period', () => {
    const r = computeMetrics(fixtureInput({ period: { from: '2026-01-01', to: '2026-01-03T00:00:00Z' } }));
    const t = metric<TimeMetric>(system(r, 'payroll'), 'patch-response-noncritical');
    expect(t.items[0]).toMatchObject({ id: 'PLB-1', openSeconds: 42 * H, hosts: { relevant: 2, done: 1 } });
    expect(metric<TimeMetric>(system(r, 'payroll'), 'emergency-configuration-response').items).toEqual([]);
  });

  it('counts hosts without facts as unobserved, outside the ratios', () => {
    const model = fixtureModel();
    const f = { ...fixtureFacts(), 'web-2': null };
    const r = computeMetrics(fixtureInput({ model, hosts: observe(model, f) }));
    const p = system(r, 'payroll');
    expect(p.hosts).toEqual({ total: 3, observed: 2, unobserved: ['web-2'] });
    expect(metric<RatioMetric>(p, 'vulnerability-ratio')).toMatchObject({ hosts: 2, total: { all: 2 } });
    // The ledger still knows web-2 was verified: response times do not depend on reaching it today.
    expect(metric<TimeMetric>(p, 'patch-response-noncritical').items[0]).toMatchObject({ seconds: 54 * H });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(computeMetrics(fixtureInput()))).toBe(JSON.stringify(report));
  });
});
