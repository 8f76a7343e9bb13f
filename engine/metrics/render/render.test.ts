import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../compute.js';
import { fixtureInput, SETTINGS } from '../fixtures.test-helper.js';
import { renderHuman } from './human.js';
import { renderMarkdown } from './markdown.js';
import { renderPrometheus } from './prometheus.js';

const costs = { currency: 'USD', group: [{ name: 'lead', annualCost: 60000 }], administratorSupport: [], software: [{ name: 'scanner', annualMaintenance: 2000, price: 10000, priceKind: 'upgrade' as const, expectedLife: 3 }], failures: [] };
const report = computeMetrics(fixtureInput({ program: { ...SETTINGS, costs, targets: { 'vulnerability-ratio': { max: 0.5 }, 'software-cost': { max: 6000 } } } }));

describe('renderers', () => {
  it('Prometheus: one HELP and TYPE per family, well-formed series, severities that add up', () => {
    const text = renderPrometheus(report);
    const lines = text.trimEnd().split('\n');
    const names = new Set<string>();
    for (const l of lines) {
      if (l.startsWith('# HELP ')) {
        const name = l.split(' ')[2]!;
        expect(names.has(name), `family ${name} declared once`).toBe(false);
        names.add(name);
      } else if (l.startsWith('# TYPE ')) expect(l).toMatch(/^# TYPE plumbline_[a-z_]+ gauge$/);
      else expect(l).toMatch(/^plumbline_[a-z_]+(\{([a-z_]+="(?:[^"\\\n]|\\.)*",?)*\})? -?[0-9.e+-]+$/);
    }
    expect(text).toContain('plumbline_vulnerabilities{system="payroll",severity="critical",exposure="all"} 3');
    expect(text).toContain('plumbline_vulnerabilities{system="payroll",severity="critical",exposure="exposed"} 2');
    expect(text).toContain('plumbline_vulnerabilities{system="_organization",severity="critical",exposure="all"} 5');
    expect(text).toContain('plumbline_patch_response_seconds{system="payroll",criticality="noncritical",severity="all",statistic="median"} 194400');
    expect(text).toContain('plumbline_patch_response_phase_seconds{system="payroll",metric="patch-response-noncritical",phase="approval"} 108000');
    expect(text).toContain('plumbline_response_open{system="intranet",metric="patch-response-critical"} 1');
    expect(text).toContain('plumbline_target_met{system="payroll",metric="vulnerability-ratio"} 0');
    expect(text).toContain('plumbline_program_cost{cost="software",currency="USD",per="year"} 5333.33');
    expect(text).toContain('plumbline_target_met{system="_organization",metric="software-cost"} 1');
    expect(text).toContain('plumbline_excluded{system="payroll",kind="deferral"} 2');
    const sum = lines.filter((l) => l.startsWith('plumbline_vulnerabilities{system="payroll"') && l.includes('exposure="all"')).reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
    expect(sum).toBe(3);
  });

  it('Prometheus: label values are escaped', () => {
    const odd = { ...report, systems: [{ ...report.systems[0]!, system: 'a"b\\c' }], organization: undefined, costs: undefined };
    expect(renderPrometheus(odd)).toContain('plumbline_hosts{system="a\\"b\\\\c",state="total"} 1');
  });

  it('a one-system report has no organization and no costs', () => {
    const one = computeMetrics(fixtureInput({ program: { ...SETTINGS, costs } }), { system: 'intranet' });
    expect(one.systems.map((s) => s.system)).toEqual(['intranet']);
    expect(one.organization).toBeUndefined();
    expect(one.costs).toBeUndefined();
    const all = [renderPrometheus(one), renderHuman(one), renderMarkdown(one), JSON.stringify(one)].join('\n');
    for (const other of ['payroll', 'web-1', 'web-2', 'db-1', '10.0.0.1', '_organization']) expect(all).not.toContain(other);
  });

  it('human and Markdown tables name every metric with its maturity level, target and verdict', () => {
    const human = renderHuman(report);
    expect(human).toMatch(/payroll \(impact high\): 3 hosts, 3 observed, 100% compliant/);
    expect(human).toMatch(/Vulnerability ratio\s+3\s+3 \(exposed 2\) on 3 hosts\s+1 \(exposed 0\.67\)\s+≤ 0\.50\s+NOT met/);
    expect(human).toMatch(/Patch response time \(non-critical patches\)\s+4\s+median 2d 6h/);
    expect(human).toMatch(/Cost of software\s+5\s+USD 5,333 a year\s+≤ 6,000\s+met/);
    expect(human).toMatch(/db-1\s+package-vulnerable:openssl\s+deferral EXC-1 until 2027-01-01/);
    const md = renderMarkdown(report);
    expect(md).toContain('| Patch response time (non-critical patches) | 4 | median 2d 6h, p90 2d 6h, max 2d 6h (n=1) |  |  |  |');
    expect(md).toContain('| Patch response time (non-critical patches) | 6h | 6h | 1d 6h | 12h |');
    expect(md).toContain('| Cost of software | 5 | USD 5,333 a year | 16000/3 | ≤ 6,000 | met |');
  });
});
