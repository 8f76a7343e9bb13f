import { describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/ledger/sample.js';
import { E_INTERRUPTED, foldJournal } from './fold.js';
import type { ActionRecord, JournalEvent } from './types.js';

const results: ReadonlySet<string> = new Set(['verified', 'unverified', 'failed', 'skipped', 'restored']);
const hostStatuses: ReadonlySet<string> = new Set(['changed', 'unchanged', 'failed', 'restored', 'skipped']);

describe('foldJournal on a complete journal', () => {
  const events = sampleJournal();
  const run = foldJournal(events);

  it('takes the run from run-start and the status and end from run-end', () => {
    expect(run).toMatchObject({ id: '20261125T143000Z-ab12cd', kind: 'apply', status: 'completed', commit: '0123456789abcdef0123456789abcdef01234567', endedAt: events.at(-1)!.at });
    expect(run.approvals.map((a) => a.id)).toEqual(['APR-0017']);
    expect(run.anomalies).toBeUndefined();
  });

  it('records per host and action the outcome, before → after and every timestamp', () => {
    expect(run.hosts.map((h) => [h.host, h.status])).toEqual([
      ['web-1', 'changed'],
      ['web-2', 'restored'],
      ['db-1', 'skipped'],
    ]);
    const web1 = run.hosts[0]!;
    expect(web1.actions.map((a) => [a.id, a.result])).toEqual([
      ['web-1#1', 'verified'],
      ['web-1#2', 'verified'],
      ['web-1#3', 'skipped'],
    ]);
    const ssl = web1.actions[0]!;
    expect(ssl).toMatchObject({ before: '3.0.11-1~deb12u2', after: '3.0.15-1~deb12u1', approval: { approver: 'alice', ticket: 'CHG-1234' } });
    expect(ssl.startedAt! < ssl.appliedAt! && ssl.appliedAt! < ssl.verifiedAt!).toBe(true);
    expect(web1).toMatchObject({ packagesAfter: { openssl: '3.0.15-1~deb12u1' }, factsDigestAfter: 'sha256:a2', backup: '/var/lib/plumbline/backups/20261125T143000Z-ab12cd' });
    const web2 = run.hosts[1]!;
    expect(web2.actions.map((a) => [a.result, a.error?.code])).toEqual([
      ['restored', undefined],
      ['failed', 'E_ACTION_FAILED'],
    ]);
    expect(run.hosts[2]).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/outside maintenance window/), actions: [] });
    expect(run.rings.map((r) => [r.ring, r.status, r.failed, r.attempted])).toEqual([
      ['pilot', 'completed', 1, 2],
      ['broad', 'completed', 0, 0],
    ]);
  });

  it('does not touch its input', () => {
    const copy = structuredClone(events);
    foldJournal(events);
    expect(events).toEqual(copy);
  });
});

describe('foldJournal on a journal interrupted after every event', () => {
  const events = sampleJournal();
  const complete = foldJournal(events);

  for (let n = 1; n < events.length; n++) {
    it(`after event ${n - 1} (${events[n - 1]!.t})`, () => {
      const prefix = events.slice(0, n);
      const run = foldJournal(prefix);
      expect(run.status).toBe('interrupted');
      expect(run.endedAt).toBeUndefined();
      expect(run.anomalies).toBeUndefined();
      for (const h of run.hosts) {
        expect(hostStatuses.has(h.status)).toBe(true);
        const ended = prefix.some((e) => (e.t === 'host-end' || e.t === 'host-skipped') && e.host === h.host);
        // A host that ended is recorded exactly as in the complete run; later events cannot change it.
        if (ended) expect(h).toEqual(complete.hosts.find((c) => c.host === h.host));
        for (const a of h.actions) {
          expect(results.has(a.result)).toBe(true);
          checkInterrupted(a, prefix, h.host);
        }
        if (!ended && h.actions.some((a) => a.error?.code === E_INTERRUPTED || a.skipReason?.includes('interrupted'))) {
          expect(h).toMatchObject({ status: 'failed', error: { code: E_INTERRUPTED } });
        }
      }
    });
  }
});

function checkInterrupted(a: ActionRecord, prefix: JournalEvent[], host: string) {
  const seen = (t: JournalEvent['t']) => prefix.some((e) => e.t === t && 'host' in e && e.host === host && 'action' in e && e.action === a.id);
  const outcome = seen('action-failed') || seen('action-skipped') || prefix.some((e) => (e.t === 'verified' && e.host === host && [...e.verified, ...e.unverified].includes(a.id)) || (e.t === 'host-restored' && e.host === host && e.actions.includes(a.id)));
  if (outcome) return;
  if (seen('action-applied')) expect(a).toMatchObject({ result: 'unverified', error: { code: E_INTERRUPTED } });
  else if (seen('action-start')) expect(a).toMatchObject({ result: 'failed', error: { code: E_INTERRUPTED, message: expect.stringMatching(/effect on the host is unknown/) } });
  else expect(a).toMatchObject({ result: 'skipped', skipReason: expect.stringMatching(/interrupted .* before this action started/) });
}

describe('foldJournal on odd journals', () => {
  it('ends early with the run-end status but the same honest results when apply gave up mid-host', () => {
    const events = sampleJournal().slice(0, 6);
    events.push({ t: 'run-end', at: '2026-11-25T15:00:00.000Z', status: 'failed' });
    const run = foldJournal(events);
    expect(run.status).toBe('failed');
    expect(run.hosts[0]).toMatchObject({ status: 'failed', error: { code: E_INTERRUPTED, message: expect.stringMatching(/^the run ended \(failed\)/) } });
    expect(run.hosts[0]!.actions.map((a) => a.result)).toEqual(['unverified', 'skipped', 'skipped']);
  });

  it('derives a host status when only host-end is missing', () => {
    const events = sampleJournal();
    const cut = events.findIndex((e) => e.t === 'host-end' && e.host === 'web-1');
    const run = foldJournal(events.slice(0, cut));
    expect(run.hosts[0]).toMatchObject({ host: 'web-1', status: 'changed' });
    expect(run.hosts[0]!.error).toBeUndefined();
  });

  it('names what it cannot place instead of throwing', () => {
    const events = sampleJournal();
    const odd: JournalEvent[] = [
      events[0]!,
      { t: 'action-start', at: '2026-11-25T14:31:00.000Z', host: 'ghost', action: 'ghost#1' },
      events[1]!,
      { t: 'action-applied', at: '2026-11-25T14:31:01.000Z', host: 'web-1', action: 'web-1#9' },
      events[0]!,
      { t: 'run-end', at: '2026-11-25T14:32:00.000Z', status: 'completed' },
      { t: 'host-end', at: '2026-11-25T14:33:00.000Z', host: 'web-1', status: 'changed' },
    ];
    const run = foldJournal(odd);
    expect(run.anomalies).toEqual([
      'event 1 (action-start): host ghost was never started',
      'event 3 (action-applied): host web-1 announced no action web-1#9',
      'event 4: a second run-start (ignored)',
      'event 6 (host-end) comes after run-end',
    ]);
  });

  it('folds a journal whose run-start is gone, under the id it is filed as', () => {
    const run = foldJournal(sampleJournal().slice(3), { id: '20261125T143000Z-ab12cd' });
    expect(run).toMatchObject({ id: '20261125T143000Z-ab12cd', status: 'completed', commit: null, operator: { user: 'unknown' } });
    expect(run.anomalies?.[0]).toMatch(/run-start event is missing/);
    expect(foldJournal([], { id: '20261125T143000Z-ab12cd' })).toMatchObject({ status: 'interrupted', hosts: [] });
  });
});
