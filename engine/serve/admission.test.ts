import { describe, expect, it } from 'vitest';
import { normalizeMac } from '../model/rules/mac-addresses.js';
import type { HostEntry } from '../model/types.js';
import { DEFAULT_ADMISSION, judge, type AdmissionSubject } from './admission.js';
import { HostLookup } from './lookup.js';

const NOW = new Date('2026-06-10T12:00:00Z');
const subject = (over: Partial<AdmissionSubject> = {}): AdmissionSubject => ({ host: 'web-1', system: 'payroll', gatheredAt: '2026-06-10T11:00:00Z', noncompliant: [], deadlines: [], ...over });

describe('admission verdicts', () => {
  it('admits a compliant host with fresh facts and nothing overdue', () => {
    const d = judge(subject({ deadlines: [{ id: 'CVE-2026-1', severity: 'critical', deadline: '2026-06-11T00:00:00Z', from: 'advisory' }] }), DEFAULT_ADMISSION, NOW);
    expect(d).toMatchObject({ verdict: 'admit', reasons: [], factsAgeSeconds: 3600 });
  });

  it('quarantines an overdue critical vulnerability the moment its deadline passes, not at the next refresh', () => {
    const s = subject({ deadlines: [{ id: 'CVE-2026-1', severity: 'critical', deadline: '2026-06-10T12:00:00Z', from: 'advisory' }] });
    expect(judge(s, DEFAULT_ADMISSION, new Date('2026-06-10T11:59:59Z')).verdict).toBe('admit');
    const d = judge(s, DEFAULT_ADMISSION, new Date('2026-06-10T12:00:01Z'));
    expect(d.verdict).toBe('quarantine');
    expect(d.reasons[0]).toMatchObject({ rule: 'overdue', verdict: 'quarantine' });
    expect(d.reasons[0]!.message).toContain('CVE-2026-1 (critical, due 2026-06-10)');
  });

  it('stale or missing facts quarantine; the strictest rule decides and every reason is listed, strictest first', () => {
    expect(judge(subject({ gatheredAt: '2026-06-09T11:59:00Z' }), DEFAULT_ADMISSION, NOW).reasons).toMatchObject([{ rule: 'stale-facts', verdict: 'quarantine' }]);
    expect(judge(subject({ gatheredAt: null, factsError: 'E_CONNECT' }), DEFAULT_ADMISSION, NOW).reasons[0]!.message).toContain('E_CONNECT');
    const d = judge(subject({ gatheredAt: null, noncompliant: ['package-forbidden:telnetd'], compromised: { since: '2026-06-01', reason: 'webshell found', ticket: 'INC-7' } }), DEFAULT_ADMISSION, NOW);
    expect(d.verdict).toBe('deny');
    expect(d.reasons.map((r) => [r.rule, r.verdict])).toEqual([['compromised', 'deny'], ['noncompliant', 'quarantine'], ['stale-facts', 'quarantine']]);
  });

  it('a rule set to admit only reports', () => {
    const d = judge(subject({ noncompliant: ['service-state:ssh'] }), { ...DEFAULT_ADMISSION, noncompliant: 'admit' }, NOW);
    expect(d).toMatchObject({ verdict: 'admit', reasons: [{ rule: 'noncompliant', verdict: 'admit' }] });
  });
});

describe('finding a host by name, address or MAC', () => {
  const host = (name: string, address: string, mac_addresses?: string[]) => ({ name, address, mac_addresses }) as unknown as HostEntry;
  const lookup = new HostLookup([host('web-1', '10.0.0.1', ['52:54:00:AB:CD:01']), host('10.0.0.1', '10.0.0.2')]);

  it('takes every usual spelling of a MAC', () => {
    for (const m of ['52:54:00:ab:cd:01', '52-54-00-AB-CD-01', '525400abcd01', '5254.00ab.cd01']) expect(lookup.find(m), m).toBe('web-1');
    expect(normalizeMac('52:54-00:ab:cd:01')).toBeNull(); // mixed separators are not a MAC
  });

  it('a name wins over another host’s address; unknown and hostile identifiers find nothing', () => {
    expect(lookup.find('10.0.0.1')).toBe('10.0.0.1');
    expect(lookup.find('10.0.0.2')).toBe('10.0.0.1');
    for (const bad of ['', '../web-1', 'web-1/../..', '__proto__', 'constructor', 'WEB-1']) expect(lookup.find(bad), bad).toBeUndefined();
  });
});
