import { describe, expect, it } from 'vitest';
import { foldJournal } from './fold.js';
import { isUncertain, needsSettlement, overlaySettlements, settleAction } from './settle.js';
import type { ActionRecord, JournalEvent, RunRecord } from './types.js';

const at = '2026-11-25T14:30:00.000Z';
const action = (id: string, extra: Partial<ActionRecord> = {}): ActionRecord => ({
  id,
  type: 'package-install',
  params: { name: 'openssl', version: '3.0.15' },
  finding: 'package-vulnerable:openssl',
  findingKind: 'package-vulnerable',
  origin: { kind: 'baseline', name: 'b' },
  source: 'x.yaml:1',
  before: '3.0.11',
  after: '>= 3.0.15',
  result: 'failed',
  startedAt: at,
  error: { code: 'E_INTERRUPTED', message: 'the run was interrupted … its effect on the host is unknown' },
  ...extra,
});

describe('settling what a run left open', () => {
  it('calls an action applied only when the host shows its intended state, restored only when it shows the state before', () => {
    expect(settleAction(action('h#1'), { state: 'after', value: '3.0.15', at })).toMatchObject({ result: 'verified', verifiedAt: at, observed: { state: 'after' } });
    expect(settleAction(action('h#1', { appliedAt: at, result: 'unverified' }), { state: 'before', value: '3.0.11', at }).result).toBe('restored');
    const notApplied = settleAction(action('h#1'), { state: 'before', value: '3.0.11', at });
    expect(notApplied).toMatchObject({ result: 'skipped', skipReason: expect.stringMatching(/not applied/) });
    expect(notApplied.error).toBeUndefined();
    expect(settleAction(action('h#1'), { state: 'other', value: '3.0.13 (half-configured)', at })).toMatchObject({ result: 'failed', error: { code: 'E_HOST_STATE' } });
  });

  it('keeps "effect unknown" only while the host could not be examined, and says why', () => {
    const open = settleAction(action('h#1'), { state: 'unknown', why: 'unreachable', at });
    expect(isUncertain(open)).toBe(true);
    expect(open.error?.message).toMatch(/effect unknown: unreachable/);
    expect(isUncertain(settleAction(action('h#1'), { state: 'after', at }))).toBe(false);
  });

  it("lays a later run's settlement over the earlier record, naming the later run", () => {
    const earlier: RunRecord = { id: '20261125T143000Z-aaaaaa', kind: 'reconcile', status: 'interrupted', startedAt: at, commit: null, approvals: [], operator: { user: 'u', hostname: 'c' }, rings: [], hosts: [{ host: 'h', system: 's', ring: 'r', status: 'failed', packagesBefore: {}, actions: [action('h#1')], error: { code: 'E_INTERRUPTED', message: 'interrupted' } }] };
    expect(needsSettlement(earlier.hosts[0]!)).toBe(true);
    const later: RunRecord = { ...earlier, id: '20261125T150000Z-bbbbbb', status: 'completed', hosts: [], settles: [{ run: earlier.id, host: 'h', outcome: { state: 'applied', applied: ['h#1'], at }, actions: [{ id: 'h#1', observed: { state: 'after', value: '3.0.15', at } }] }] };
    const [e] = overlaySettlements([earlier, later]);
    expect(e!.hosts[0]).toMatchObject({ status: 'changed', outcome: { state: 'applied', settledIn: later.id }, actions: [{ result: 'verified', settledIn: later.id }] });
    expect(needsSettlement(e!.hosts[0]!)).toBe(false);
  });
});

describe('folding settlements', () => {
  const start: JournalEvent = { t: 'run-start', at, run: { id: '20261125T143000Z-cccccc', kind: 'reconcile', startedAt: at, commit: null, approvals: [], operator: { user: 'u', hostname: 'c' } } };
  const hostStart: JournalEvent = { t: 'host-start', at, host: { host: 'h', system: 's', ring: 'r', packagesBefore: {}, actions: [action('h#1', { result: undefined, error: undefined, startedAt: undefined }) as Omit<ActionRecord, 'result'>] } };

  it("applies the run's own settlement to its host, and keeps another run's for the readers", () => {
    const events: JournalEvent[] = [
      start,
      { t: 'settled', at, host: 'old', run: '20261124T000000Z-dddddd', outcome: { state: 'unchanged', at }, actions: [] },
      hostStart,
      { t: 'action-start', at, host: 'h', action: 'h#1' },
      { t: 'txn', at, host: 'h', txn: { step: 'packages', dir: '/var/lib/plumbline/txn/x.packages', startedAt: at } },
      { t: 'action-failed', at, host: 'h', action: 'h#1', error: { code: 'E_SSH_LOST', message: 'the connection was lost' } },
      { t: 'settled', at, host: 'h', outcome: { state: 'applied', applied: ['h#1'], at }, actions: [{ id: 'h#1', observed: { state: 'after', value: '3.0.15', at } }] },
      { t: 'host-end', at, host: 'h', status: 'failed', error: { code: 'E_SSH_LOST', message: 'lost' } },
      { t: 'run-end', at, status: 'completed' },
    ];
    const run = foldJournal(events);
    expect(run.anomalies).toBeUndefined();
    expect(run.settles).toEqual([{ run: '20261124T000000Z-dddddd', host: 'old', outcome: { state: 'unchanged', at }, actions: [] }]);
    expect(run.hosts[0]).toMatchObject({ status: 'failed', outcome: { state: 'applied' }, txns: [{ step: 'packages' }], actions: [{ result: 'verified', observed: { state: 'after' } }] });
  });
});

describe('what needs settling', () => {
  const host = (over: Partial<RunRecord['hosts'][number]>): RunRecord['hosts'][number] => ({ host: 'h', system: 's', ring: 'r', status: 'failed', packagesBefore: {}, actions: [action('h#1', { result: 'failed', error: { code: 'E_ACTION_FAILED', message: 'postinst' } })], ...over });
  it('a host the run never ended, or whose transaction nobody saw end, even when every action has a result', () => {
    expect(needsSettlement(host({ endedAt: at }))).toBe(false);
    expect(needsSettlement(host({}))).toBe(true);
    expect(needsSettlement(host({ endedAt: at, txns: [{ step: 'restore', dir: '/var/lib/plumbline/txn/x.restore', startedAt: at }] }))).toBe(true);
    expect(needsSettlement(host({ endedAt: at, txns: [{ step: 'restore', dir: '/var/lib/plumbline/txn/x.restore', startedAt: at, code: 0 }] }))).toBe(false);
    expect(needsSettlement(host({ status: 'skipped' }))).toBe(false);
  });
});
