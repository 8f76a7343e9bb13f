import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsReport, RatioMetric, TimeMetric } from '../../engine/metrics/types.js';
import { FixtureRepo } from './fixture-repo.js';

const H = 3600;
const PERIOD = ['--from', '2026-01-01', '--to', '2026-01-10T00:00:00Z'];

/**
 * `plumb metrics` through the built CLI on a real repository: git dates read by isomorphic-git from commits the real
 * git made, runs read back from the ledger ref, advisories from the store. The figures must be the ones worked out
 * by hand for the unit tests' timeline.
 */
describe('plumb metrics (built CLI, real git and ledger)', () => {
  let repo: FixtureRepo;
  beforeAll(async () => {
    repo = await FixtureRepo.create();
  });
  afterAll(() => repo?.cleanup());

  const json = (...args: string[]): MetricsReport => {
    const r = repo.plumb('metrics', '--facts', repo.facts, ...PERIOD, '--json', ...args);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as MetricsReport;
  };

  it('gives the timeline its known figures: phases from git dates and the ledger, costs exactly', () => {
    const report = json();
    const payroll = report.systems.find((s) => s.system === 'payroll')!;
    const m = (id: string) => payroll.metrics.find((x) => x.id === id)!;
    expect((m('patch-response-noncritical') as TimeMetric).items[0]).toMatchObject({
      id: 'PLB-1',
      seconds: 54 * H,
      phases: { analysis: 6 * H, testing: 6 * H, approval: 30 * H, deployment: 12 * H },
      knewFrom: 'advisory DSA-1 imported',
    });
    expect(m('patch-response-noncritical')).toMatchObject({ met: true, compared: 54 * H, target: { max: 3 * 24 * H } });
    expect((m('emergency-configuration-response') as TimeMetric).items[0]).toMatchObject({ seconds: 4 * H, phases: { analysis: H, approval: H, testing: 1.5 * H, deployment: 0.5 * H } });
    expect((m('identification-time') as TimeMetric).stats).toMatchObject({ count: 2, median: 4 * H });
    expect(m('vulnerability-ratio') as RatioMetric).toMatchObject({ total: { all: 3, exposed: 2 }, met: false });
    expect(m('network-service-ratio') as RatioMetric).toMatchObject({ total: { all: 6, exposed: 2 }, weighted: { all: 9, exposed: 2 } });
    const intranet = report.systems.find((s) => s.system === 'intranet')!;
    // PLB-2 names no advisory: the group knew when its commit was authored (Jan 4, read from git).
    expect((intranet.metrics.find((x) => x.id === 'patch-response-critical') as TimeMetric).items[0]).toMatchObject({ id: 'PLB-2', openSeconds: 6 * 24 * H, knewFrom: expect.stringMatching(/^commit [0-9a-f]{12} added remediations\/PLB-2\.yaml$/) });
    expect(report.costs!.find((c) => c.id === 'software-cost')!.amount).toEqual({ exact: '47500/3', value: 15833.33, display: '15,833' });
    expect(payroll.excluded.map((e) => [e.host, e.subject, e.by])).toEqual([['db-1', 'CVE-2026-0001', 'EXC-1'], ['db-1', 'package-vulnerable:openssl', 'EXC-1']]);
  });

  it('reads the desired state of a commit with --ref: before PLB-3 existed, there is no emergency item', () => {
    const r = repo.plumb('metrics', '--facts', repo.facts, ...PERIOD, '--json', '--ref', repo.commits.get('APR-3')!);
    expect(r.code, r.stderr).toBe(0);
    const payroll = (JSON.parse(r.stdout) as MetricsReport).systems.find((s) => s.system === 'payroll')!;
    expect((payroll.metrics.find((x) => x.id === 'emergency-configuration-response') as TimeMetric).items).toEqual([]);
  });

  it('--system: one system, no organization, no costs, no other system named anywhere', () => {
    const report = json('--system', 'intranet');
    expect(report.systems.map((s) => s.system)).toEqual(['intranet']);
    expect(report.organization).toBeUndefined();
    expect(report.costs).toBeUndefined();
    for (const fmt of [[], ['--markdown'], ['--prometheus'], ['--json']]) {
      const out = repo.plumb('metrics', '--facts', repo.facts, ...PERIOD, '--system', 'intranet', ...fmt).stdout;
      for (const other of ['payroll', 'web-1', 'web-2', 'db-1', '10.0.0.']) expect(out).not.toContain(other);
    }
  });

  it('human table by default, Markdown, and --fail-on-target', () => {
    const human = repo.plumb('metrics', '--facts', repo.facts, ...PERIOD);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/payroll \(impact high\): 3 hosts, 3 observed, 100% compliant/);
    expect(human.stdout).toMatch(/Cost of software\s+5\s+USD 15,833 a year/);
    expect(repo.plumb('metrics', '--facts', repo.facts, ...PERIOD, '--markdown').stdout).toContain('| Vulnerability ratio | 3 |');
    expect(repo.plumb('metrics', '--facts', repo.facts, ...PERIOD, '--fail-on-target').code).toBe(2); // vulnerability ratio ≤ 0.5 is missed
  });

  it('writes the Prometheus textfile atomically with --out', () => {
    const file = join(repo.dir, 'plumbline.prom');
    const r = repo.plumb('metrics', '--facts', repo.facts, ...PERIOD, '--prometheus', '--out', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`wrote ${file}\n`);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('plumbline_patch_response_seconds{system="payroll",criticality="noncritical",severity="all",statistic="median"} 194400');
    expect(text).toContain('plumbline_program_cost{cost="software",currency="USD",per="year"} 15833.33');
  });

  it('refuses bad input with a clear error and changes nothing', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--from', 'yesterday'], /--from 'yesterday' is not a date or date-time/],
      [['--from', '2026-02-01', '--to', '2026-01-01'], /the period .* is empty/],
      [['--system', 'nope'], /no system named 'nope'/],
      [['--json', '--prometheus'], /choose one of --json, --markdown and --prometheus/],
      [['--facts', '/nonexistent.json'], /cannot read the facts snapshot/],
      [['--prometheus', '--out', '/nonexistent-dir/x.prom'], /cannot write \/nonexistent-dir\/x\.prom: its folder does not exist/],
    ];
    for (const [args, message] of cases) {
      const r = repo.plumb('metrics', ...(args.includes('--facts') ? [] : ['--facts', repo.facts]), ...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    // An invalid program section is reported at its line, and nothing is measured.
    const program = join(repo.dir, 'inventory/program.yaml');
    const before = readFileSync(program, 'utf8');
    writeFileSync(program, before.replace('allow: [443/tcp]', 'allow: [https]'));
    try {
      const r = repo.plumb('metrics', '--facts', repo.facts);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/inventory\/program\.yaml:\d+:\d+: error/);
    } finally {
      writeFileSync(program, before);
    }
    expect(existsSync(join(repo.dir, '.plumbline.prom.tmp'))).toBe(false);
  });

  it('has --help with examples', () => {
    const r = repo.plumb('metrics', '--help');
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/--prometheus --out/);
    rmSync(join(repo.dir, 'nothing'), { force: true });
  });
});
