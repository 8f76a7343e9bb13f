import { describe, expect, it } from 'vitest';
import { facts, fixtureModel } from '../metrics/fixtures.test-helper.js';
import { attestationKey, manualWork, tallyManual } from './status.js';

const MANUAL = (id: string, check: string, deadline = '2026-01-20', selector = 'hosts: [web-1, web-2]') => `id: ${id}
title: Firmware on the appliance
severity: high
kind: manual
selector:
  ${selector}
manual:
  owner: network-team
  steps: |
    1. Open the vendor console.
    2. Upload the firmware.
${check}deadline: ${deadline}
proposed_by: dave
`;

describe('manual remediations', () => {
  const model = fixtureModel({
    'remediations/M-PKG.yaml': MANUAL('M-PKG', '  check:\n    package: { name: openssl, min_version: 3.0.11-1 }\n'),
    'remediations/M-FILE.yaml': MANUAL('M-FILE', `  check:\n    file: { path: /opt/fw/version, sha256: ${'a'.repeat(64)} }\n`, '2026-01-05'),
    'remediations/M-CMD.yaml': MANUAL('M-CMD', '  check:\n    command: { run: "grep -q 4.2.1 /opt/fw/version", exit_code: 0 }\n'),
    'remediations/M-NONE.yaml': MANUAL('M-NONE', ''),
  });
  const host = model.hosts.get('web-1')!;
  const now = new Date('2026-01-10T00:00:00Z');

  it('are open until attested, whatever the check says; overdue after their deadline', () => {
    const f = facts('web-1', { openssl: '3.0.11-1' }, []);
    f.files['/opt/fw/version'] = { exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', sha256: 'b'.repeat(64) };
    f.checks = { 'M-CMD': { exit: 0 } };
    const items = Object.fromEntries(manualWork(model, host, f, now).map((i) => [i.remediation, i]));
    expect(Object.keys(items).sort()).toEqual(['M-CMD', 'M-FILE', 'M-NONE', 'M-PKG']);
    expect(items['M-PKG']).toMatchObject({ state: 'open', overdue: false, owner: 'network-team', check: { kind: 'package', state: 'passed' } });
    expect(items['M-FILE']).toMatchObject({ state: 'open', overdue: true, check: { kind: 'file', state: 'failed' } });
    expect(items['M-CMD']!.check).toMatchObject({ kind: 'command', state: 'passed', detail: 'the command exited with 0' });
    expect(items['M-NONE']!.check).toBeNull();
  });

  it('count as done only when attested and, where a check exists, verified', () => {
    const f = facts('web-1', { openssl: '3.0.2-1' }, []);
    const attested = new Map(['M-PKG', 'M-NONE', 'M-CMD'].map((r) => [attestationKey(r, 'web-1'), { id: `ATT-${r}`, by: 'erin', date: '2026-01-09' }]));
    const items = Object.fromEntries(manualWork(model, host, f, now, attested).map((i) => [i.remediation, i]));
    expect(items['M-NONE']!.state).toBe('done'); // attested, nothing to verify
    expect(items['M-PKG']).toMatchObject({ state: 'attested', check: { state: 'failed', detail: 'openssl 3.0.2-1 is not >= 3.0.11-1' } });
    expect(items['M-CMD']).toMatchObject({ state: 'attested', check: { state: 'unknown' } }); // the command was not run
    expect(tallyManual(Object.values(items))).toEqual({ total: 4, done: 1, open: 1, attestedUnverified: 2, overdue: 1 });
  });

  it('follow the selector, also without facts (hosts, systems, tags only)', () => {
    const m = fixtureModel({ 'remediations/M-DB.yaml': MANUAL('M-DB', '', '2026-02-01', 'hosts: [db-1]') });
    expect(manualWork(m, m.hosts.get('web-1')!, null, now)).toEqual([]);
    expect(manualWork(m, m.hosts.get('db-1')!, null, now)).toEqual([expect.objectContaining({ remediation: 'M-DB', check: null, state: 'open' })]);
  });
});

describe('manual remediations in the schema', () => {
  const problems = (text: string) => {
    try {
      fixtureModel({ 'remediations/M-BAD.yaml': text });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it('need an owner, steps and a deadline, and have no action; other kinds need an action', () => {
    expect(problems('id: M-BAD\ntitle: t\nseverity: low\nkind: manual\nselector: { hosts: [web-1] }\nmanual: { owner: x, steps: do it }\nproposed_by: dave\n')).toMatch(/M-BAD\.yaml:1 .*deadline/);
    expect(problems('id: M-BAD\ntitle: t\nseverity: low\nkind: manual\nselector: { hosts: [web-1] }\nmanual: { owner: x }\ndeadline: 2026-02-01\nproposed_by: dave\n')).toMatch(/steps/);
    expect(problems('id: M-BAD\ntitle: t\nseverity: low\nkind: manual\nselector: { hosts: [web-1] }\nmanual: { owner: x, steps: s }\ndeadline: 2026-02-01\naction: { remove: [telnetd] }\nproposed_by: dave\n')).toMatch(/M-BAD\.yaml/);
    expect(problems('id: M-BAD\ntitle: t\nseverity: low\nkind: patch\nselector: { hosts: [web-1] }\nproposed_by: dave\n')).toMatch(/action/);
    expect(problems('id: M-BAD\ntitle: t\nseverity: low\nkind: manual\nselector: { hosts: [web-1] }\nmanual: { owner: x, steps: s, check: { package: { name: a }, file: { path: /a, sha256: x } } }\ndeadline: 2026-02-01\nproposed_by: dave\n')).toMatch(/M-BAD\.yaml/);
    expect(problems('id: M-BAD\ntitle: t\nseverity: low\nkind: manual\nselector: { hosts: [web-1] }\nmanual: { owner: x, steps: s, check: { command: { run: "true\\nrm -rf /" } } }\ndeadline: 2026-02-01\nproposed_by: dave\n')).toMatch(/M-BAD\.yaml/);
  });
});

describe('manual remediations in metrics and the report', async () => {
  const { computeMetrics } = await import('../metrics/compute.js');
  const { renderHuman } = await import('../metrics/render/human.js');
  const { renderPrometheus } = await import('../metrics/render/prometheus.js');
  const { observe, fixtureFacts, GIT, RUNS, ADVISORIES } = await import('../metrics/fixtures.test-helper.js');
  it('count done only when attested and verified, list the rest, and export the counts', () => {
    const model = fixtureModel({ 'remediations/M-PKG.yaml': MANUAL('M-PKG', '  check:\n    package: { name: openssl, min_version: 3.0.11-1 }\n', '2026-01-05') });
    const input = { model, now: '2026-01-10T00:00:00Z', period: { from: '2026-01-01T00:00:00Z', to: '2026-01-10T00:00:00Z' }, hosts: observe(model, fixtureFacts()), advisories: ADVISORIES, runs: RUNS, git: GIT, program: { costs: undefined, serviceWeights: {}, targets: {}, exposureTags: ['internet-facing'], perimeter: [] } } as never;
    const report = computeMetrics(input);
    const org = report.organization!;
    expect(org.manual.tally).toMatchObject({ total: 2, done: 0, open: 2, overdue: 2 });
    expect(org.manual.items.map((m) => m.host).sort()).toEqual(['web-1', 'web-2']);
    expect(renderHuman(report)).toMatch(/manual remediations: 0 of 2 done \(attested and verified\), 2 not attested, 2 overdue/);
    expect(renderPrometheus(report)).toMatch(/plumbline_manual_remediations\{system="_organization",state="overdue"\} 2/);
  });
});
