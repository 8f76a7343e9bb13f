import { describe, expect, it } from 'vitest';
import { contentKey, describeChanges, mergeRevision } from './revision.js';
import type { Advisory, StoredAdvisory } from './types.js';

const base: Advisory = {
  id: 'DSA-5000-1',
  source: 'osv',
  aliases: ['CVE-2024-1'],
  modified: '2024-01-01T00:00:00Z',
  modifiedFrom: 'record',
  severity: 'high',
  references: [],
  affected: [{ ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, package: 'openssl', packageKind: 'source', scheme: 'deb', status: 'affected', fixed: '1.2-3', ranges: [{ fixed: '1.2-3' }] }],
  origin: { location: 'a.json', pointer: '' },
};
const T0 = '2024-02-01T00:00:00.000Z';
const T1 = '2024-03-01T00:00:00.000Z';

describe('mergeRevision', () => {
  it('new: remembers when the group first knew', () => {
    expect(mergeRevision(undefined, base, T0)).toEqual({ kind: 'new', advisory: { ...base, knew: T0 } });
  });

  it('unchanged: the same content, wherever it was read from', () => {
    const stored: StoredAdvisory = { ...base, knew: T0 };
    expect(mergeRevision(stored, { ...base, origin: { location: 'https://x/y', pointer: '/3' } }, T1).kind).toBe('unchanged');
  });

  it('updated: a newer modified replaces, keeps knew, and says what changed', () => {
    const stored: StoredAdvisory = { ...base, knew: T0 };
    const next: Advisory = {
      ...base,
      modified: '2024-01-05T00:00:00Z',
      severity: 'critical',
      aliases: ['CVE-2024-1', 'CVE-2024-2'],
      affected: [{ ...base.affected[0]!, fixed: '1.2-4', ranges: [{ fixed: '1.2-4' }] }, { ...base.affected[0]!, ecosystem: { os: 'debian', release: '11', raw: 'Debian:11' }, fixed: '1.1-9', ranges: [{ fixed: '1.1-9' }] }],
    };
    const r = mergeRevision(stored, next, T1);
    expect(r).toMatchObject({ kind: 'updated', from: '2024-01-01T00:00:00Z', to: '2024-01-05T00:00:00Z', advisory: { knew: T0, severity: 'critical', modified: '2024-01-05T00:00:00Z' } });
    if (r.kind !== 'updated') return;
    expect(r.changes).toEqual(['severity high → critical', 'aliases + CVE-2024-2', 'fixed debian 12 openssl (source) 1.2-3 → 1.2-4', '+ affected debian 11 openssl (source) (fixed 1.1-9)']);
  });

  it('older: an older modified is ignored and reported', () => {
    const stored: StoredAdvisory = { ...base, modified: '2024-06-01T00:00:00Z', knew: T0 };
    expect(mergeRevision(stored, { ...base, severity: 'low' }, T1)).toMatchObject({ kind: 'older', stored: '2024-06-01T00:00:00Z', incoming: '2024-01-01T00:00:00Z', advisory: stored });
  });

  it('dates compare as instants, not strings', () => {
    const stored: StoredAdvisory = { ...base, modified: '2024-01-01T10:00:00+02:00', knew: T0 };
    // 09:00Z is later than 10:00+02:00 (= 08:00Z), although it sorts earlier as text.
    expect(mergeRevision(stored, { ...base, modified: '2024-01-01T09:00:00Z', severity: 'low' }, T1).kind).toBe('updated');
  });

  it('feeds without dates: any change is a revision dated now; no change is unchanged', () => {
    const feed: Advisory = { ...base, source: 'debian-tracker', modified: T0, modifiedFrom: 'import' };
    const stored: StoredAdvisory = { ...feed, knew: T0 };
    expect(mergeRevision(stored, { ...feed, modified: T1 }, T1).kind).toBe('unchanged');
    const r = mergeRevision(stored, { ...feed, modified: T1, affected: [{ ...feed.affected[0]!, status: 'not-affected', fixed: undefined, ranges: undefined }] }, T1);
    expect(r).toMatchObject({ kind: 'updated', to: T1, advisory: { modified: T1, knew: T0 } });
    if (r.kind === 'updated') expect(r.changes).toEqual(['debian 12 openssl (source): affected → not-affected']);
  });

  it('describes withdrawal and removed packages', () => {
    const after: Advisory = { ...base, withdrawn: '2024-02-02T00:00:00Z', affected: [] };
    expect(describeChanges(base, after)).toEqual(['withdrawn 2024-02-02T00:00:00Z', '- affected debian 12 openssl (source)']);
  });

  it('content keys ignore key order', () => {
    const reordered = JSON.parse(JSON.stringify({ origin: base.origin, affected: base.affected, severity: base.severity, references: [], modifiedFrom: 'record', modified: base.modified, aliases: base.aliases, source: 'osv', id: base.id })) as Advisory;
    expect(contentKey(reordered)).toBe(contentKey(base));
  });
});
