import { describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/ledger/sample.js';
import { foldJournal } from './fold.js';
import type { RunRecord } from './types.js';
import { verifiedIndex } from './verified.js';

const first = foldJournal(sampleJournal({ id: '20261125T143000Z-aaaaaa', start: new Date('2026-11-25T14:30:00Z') }));
const second = foldJournal(sampleJournal({ id: '20261126T143000Z-bbbbbb', start: new Date('2026-11-26T14:30:00Z') }));

describe('verifiedIndex', () => {
  it('holds per host and finding key the run that verified it and when', () => {
    const index = verifiedIndex([first]);
    expect([...index.keys()]).toEqual(['web-1']);
    expect(index.get('web-1')!.get('package-vulnerable:openssl')).toEqual({ run: first.id, verifiedAt: first.hosts[0]!.actions[0]!.verifiedAt, origin: { kind: 'remediation', id: 'DSA-5678-1', severity: 'high', emergency: false } });
    expect(index.get('web-1')!.has('reboot-required:kernel')).toBe(false); // skipped, not verified
  });

  it('lets the latest verification win, whatever order the runs come in', () => {
    expect(verifiedIndex([first, second]).get('web-1')!.get('package-vulnerable:openssl')!.run).toBe(second.id);
    expect(verifiedIndex([second, first]).get('web-1')!.get('package-vulnerable:openssl')!.run).toBe(second.id);
  });

  it('forgets what a completed rollback undid on that host, and indexes none of its own actions', () => {
    const rollback: RunRecord = {
      ...second,
      id: '20261127T100000Z-cccccc',
      kind: 'rollback',
      rollbackOf: second.id,
      hosts: [{ host: 'web-1', system: 'web', ring: 'pilot', status: 'changed', packagesBefore: {}, actions: [{ ...second.hosts[0]!.actions[0]!, finding: 'rollback:openssl', result: 'verified' }] }],
    };
    const index = verifiedIndex([first, second, rollback]);
    expect(index.get('web-1')!.size).toBe(0);
    const failed = { ...rollback, hosts: [{ ...rollback.hosts[0]!, status: 'failed' as const }] };
    expect(verifiedIndex([first, second, failed]).get('web-1')!.get('package-vulnerable:openssl')!.run).toBe(second.id);
  });
});
