import { describe, expect, it } from 'vitest';
import { fixtureInput, run, action } from './fixtures.test-helper.js';
import { redactor, scopeToSystem } from './scope.js';

describe('cutting the input to one system', () => {
  it('redacts whole names only', () => {
    const r = redactor([['web-1', '[other host]'], ['payroll', '[other system]'], ['10.0.0.1', '[other host]']]);
    expect(r('halted: web-1 failed; payroll ring; web-10 and mypayroll are others; 10.0.0.1 but not 10.0.0.12')).toBe('halted: [other host] failed; [other system] ring; web-10 and mypayroll are others; [other host] but not 10.0.0.12');
  });

  it('keeps only the system’s hosts, their runs, and what concerns them', () => {
    const shared = run('20260107T000000Z-ffffff', '2026-01-07T00:00:00Z', [
      { host: 'web-1', system: 'payroll', ring: 'pilot', actions: [] },
      { host: 'wiki-1', system: 'intranet', ring: 'pilot', actions: [{ ...action('wiki-1', 1, { rem: 'PLB-2', severity: 'critical', finding: 'package-vulnerable:bash', result: 'failed' }), error: { code: 'E_X', message: 'web-1 went first and failed' } }] },
    ], { rings: [{ ring: 'pilot', status: 'halted', failed: 1, attempted: 2, reason: 'web-1 failed' }], approvals: [{ id: 'APR-1', ticket: 't', approver: 'a', emergency: false, source: 's' }] });
    const input = fixtureInput();
    const s = scopeToSystem({ ...input, runs: [...input.runs, shared] }, 'intranet');
    expect([...s.model.hosts.keys()]).toEqual(['wiki-1']);
    expect([...s.model.systems.keys()]).toEqual(['intranet']);
    expect(Object.keys(s.hosts)).toEqual(['wiki-1']);
    // PLB-2: recorded and open on wiki-1; PLB-3: answers CVE-2026-0003, which wiki-1 has; PLB-1 concerns only payroll.
    expect([...s.model.remediations.keys()].sort()).toEqual(['PLB-2', 'PLB-3']);
    expect(s.runs.map((r) => r.id)).toEqual(['20260106T000000Z-dddddd', '20260107T000000Z-ffffff']);
    const last = s.runs.at(-1)!;
    expect(last.hosts.map((h) => h.host)).toEqual(['wiki-1']);
    expect(last.rings).toEqual([]);
    expect(last.approvals).toEqual([]);
    expect(last.hosts[0]!.actions[0]!.error!.message).toBe('[other host] went first and failed');
    expect(s.program.costs).toBeUndefined();
    expect(Object.values(s.git.commits)[0]!.subject).toBe('PLB-1: openssl for [other system]');
    expect([...s.model.exceptions.keys()]).toEqual([]);
  });
});
