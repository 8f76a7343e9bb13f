import { describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/ledger/sample.js';
import { foldJournal } from './fold.js';
import { actionMatches, actionSubject, hostSubjects, traceActions } from './trace.js';
import type { ActionRecord } from './types.js';

const runs = [
  foldJournal(sampleJournal({ id: '20261125T143000Z-aaaaaa', start: new Date('2026-11-25T14:30:00Z') })),
  foldJournal(sampleJournal({ id: '20261126T143000Z-bbbbbb', start: new Date('2026-11-26T14:30:00Z') })),
];

const action = (type: ActionRecord['type'], params: Record<string, unknown>, finding: string): ActionRecord => ({
  id: 'h#1',
  type,
  params,
  finding,
  findingKind: 'service',
  origin: { kind: 'baseline', name: 'b' },
  source: 'b.yaml:1@x',
  before: null,
  after: null,
  result: 'verified',
});

describe('traceActions', () => {
  it('finds every action on the host for a package, newest first, with its run', () => {
    const t = traceActions(runs, 'web-1', 'openssl');
    expect(t.map((e) => [e.run.id, e.action.id, e.action.result])).toEqual([
      ['20261126T143000Z-bbbbbb', 'web-1#1', 'verified'],
      ['20261125T143000Z-aaaaaa', 'web-1#1', 'verified'],
    ]);
    expect(t[0]!.at).toBe(t[0]!.action.appliedAt);
    expect(traceActions(runs, 'db-1', 'openssl')).toEqual([]);
    expect(traceActions(runs, 'web-2', 'openssl').map((e) => e.action.result)).toEqual(['restored', 'restored']);
  });

  it('orders by the ledger, not by the times recorded: a run made by a clock two days fast stays below a later run', () => {
    const skewed = foldJournal(sampleJournal({ id: '20261128T143000Z-cccccc', start: new Date('2026-11-28T14:30:00Z') }));
    const later = foldJournal(sampleJournal({ id: '20261126T150000Z-dddddd', start: new Date('2026-11-26T15:00:00Z') }));
    expect(traceActions([...runs, skewed, later], 'web-1', 'openssl').map((e) => e.run.id)).toEqual(['20261126T150000Z-dddddd', '20261128T143000Z-cccccc', '20261126T143000Z-bbbbbb', '20261125T143000Z-aaaaaa']);
  });

  it('matches settings by file, file:key, key and finding; units with or without .service; nothing by substring', () => {
    const setting = runs[0]!.hosts[0]!.actions[1]!;
    for (const q of ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config:PermitRootLogin', 'PermitRootLogin', 'setting:/etc/ssh/sshd_config:PermitRootLogin']) expect(actionMatches(setting, q), q).toBe(true);
    for (const q of ['/etc/ssh', 'sshd_config', 'Permit', '']) expect(actionMatches(setting, q), q).toBe(false);
    const unit = action('service-disable', { unit: 'telnet.service' }, 'service:telnet.service');
    expect(actionMatches(unit, 'telnet')).toBe(true);
    expect(actionMatches(unit, 'telnet.service')).toBe(true);
    expect(actionSubject(unit)).toBe('telnet.service');
    expect(actionSubject(setting)).toBe('/etc/ssh/sshd_config PermitRootLogin');
  });

  it('lists what a host has records about, for a hint', () => {
    expect(hostSubjects(runs, 'web-2')).toEqual(['net.ipv4.ip_forward', 'openssl']);
  });
});
