import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HAVE_SHARED, SAMPLES } from '../../test/advisories/official.js';
import { importAdvisories } from './import.js';
import { fileNameFor, loadStore, readStored, serialize, writeStored } from './store.js';
import type { StoredAdvisory } from './types.js';

let root: string;
let inbox: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'plumb-adv-'));
  inbox = join(root, 'inbox');
  mkdirSync(inbox);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const record = (over: Record<string, unknown> = {}) => ({
  id: 'DSA-5000-1',
  modified: '2024-05-01T00:00:00Z',
  aliases: ['CVE-2024-1'],
  affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u2' }] }] }],
  ...over,
});
const put = (name: string, value: unknown) => writeFileSync(join(inbox, name), JSON.stringify(value, null, 2));
const at = (iso: string) => ({ now: new Date(iso) });

describe('importAdvisories into the store', () => {
  it.skipIf(!HAVE_SHARED)('imports the whole sample directory: every format, one file per advisory', async () => {
    const r = await importAdvisories(root, new URL(SAMPLES).pathname, at('2026-01-01T00:00:00Z'));
    // NVD API answers (kept there for CVSS tests) are not an advisory format plumb imports: reported, the rest goes on.
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.file.split('/').pop()])).toEqual([
      ['unknown-format', 'CVE-2023-4863.json'],
      ['unknown-format', 'CVE-2024-3094.json'],
    ]);
    expect(r.inputs.map((i) => i.format)).toContain('csaf');
    expect(r.new.length).toBe(6 + 7);
    expect(readdirSync(join(root, 'advisories', 'osv')).sort()).toEqual(['ALSA-2023_4520.json', 'DSA-3029-1.json', 'UBUNTU-CVE-2021-3782.json', 'USN-5614-1.json']);
    expect(readdirSync(join(root, 'advisories', 'csaf')).sort()).toEqual(['BSI-2022-0001.json', 'RHSA-2022_0011.json']);
    const again = await importAdvisories(root, new URL(SAMPLES).pathname, at('2026-02-01T00:00:00Z'));
    expect([again.new.length, again.updated.length, again.unchanged, again.older.length]).toEqual([0, 0, 13, 0]);
    const stored = loadStore(root);
    expect(stored.problems).toEqual([]);
    expect(stored.advisories).toHaveLength(13);
    expect(stored.advisories.every((a) => a.knew === '2026-01-01T00:00:00.000Z')).toBe(true);
  });

  it('new → unchanged → updated (reported) → older (ignored), keeping the first knew time', async () => {
    put('a.json', record());
    const r1 = await importAdvisories(root, join(inbox, 'a.json'), at('2024-05-02T00:00:00Z'));
    expect(r1.new).toEqual([{ id: 'DSA-5000-1', source: 'osv', file: 'advisories/osv/DSA-5000-1.json', severity: 'unknown' }]);

    const r2 = await importAdvisories(root, join(inbox, 'a.json'), at('2024-05-03T00:00:00Z'));
    expect(r2.unchanged).toBe(1);

    put('a.json', record({ modified: '2024-05-10T00:00:00Z', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u3' }] }] }] }));
    const r3 = await importAdvisories(root, join(inbox, 'a.json'), at('2024-05-11T00:00:00Z'));
    expect(r3.updated).toEqual([
      {
        id: 'DSA-5000-1',
        source: 'osv',
        file: 'advisories/osv/DSA-5000-1.json',
        from: '2024-05-01T00:00:00Z',
        to: '2024-05-10T00:00:00Z',
        changes: ['severity unknown → critical', 'CVSS none → 9.8', 'fixed debian 12 openssl (source) 3.0.11-1~deb12u2 → 3.0.11-1~deb12u3'],
      },
    ]);
    expect(readStored(root, 'osv', 'DSA-5000-1')).toMatchObject({ knew: '2024-05-02T00:00:00.000Z', modified: '2024-05-10T00:00:00Z' });

    put('a.json', record({ modified: '2024-05-05T00:00:00Z' }));
    const r4 = await importAdvisories(root, join(inbox, 'a.json'), at('2024-05-12T00:00:00Z'));
    expect(r4.older).toEqual([{ id: 'DSA-5000-1', source: 'osv', stored: '2024-05-10T00:00:00Z', incoming: '2024-05-05T00:00:00Z' }]);
    expect(readStored(root, 'osv', 'DSA-5000-1')!.affected[0]!.fixed).toBe('3.0.11-1~deb12u3');
  });

  it('a directory with broken files: each problem is located, the good files are imported', async () => {
    put('1-good.json', record());
    writeFileSync(join(inbox, '2-bad-json.json'), '{\n  "id": "DSA-1",\n  "modified": \n}');
    put('3-bad-record.json', record({ id: 'DSA-5000-3', modified: 42 }));
    put('4-unknown.json', { hello: 'world' });
    writeFileSync(join(inbox, '5-packed.json.gz'), gzipSync(JSON.stringify(record({ id: 'DSA-5000-5' }))));
    writeFileSync(join(inbox, 'notes.txt'), 'ignored');
    const r = await importAdvisories(root, inbox, at('2024-05-02T00:00:00Z'));
    expect(r.new.map((n) => n.id)).toEqual(['DSA-5000-1', 'DSA-5000-5']);
    expect(r.problems.map((p) => [p.file.split('/').pop(), p.line, p.code])).toEqual([
      ['2-bad-json.json', 4, 'json'],
      ['3-bad-record.json', 3, 'schema'],
      ['4-unknown.json', 1, 'unknown-format'],
    ]);
    expect(r.errors).toBe(3);
  });

  it('refuses what it cannot read at all with a stable code', async () => {
    await expect(importAdvisories(root, join(root, 'missing.json'))).rejects.toMatchObject({ code: 'E_ADVISORY_INPUT' });
    await expect(importAdvisories(root, inbox)).rejects.toMatchObject({ code: 'E_ADVISORY_INPUT' });
  });

  it('bounds the input size', async () => {
    put('a.json', record());
    const r = await importAdvisories(root, join(inbox, 'a.json'), { maxBytes: 100 });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'too-large' })]);
    expect(r.new).toEqual([]);
  });
});

describe('the store', () => {
  const adv: StoredAdvisory = {
    id: 'RHSA-2022:0011',
    source: 'csaf',
    aliases: [],
    modified: '2022-01-04T08:38:00Z',
    modifiedFrom: 'record',
    knew: '2024-01-01T00:00:00.000Z',
    severity: 'high',
    references: [],
    affected: [],
    origin: { location: 'x', pointer: '' },
  };

  it('file names hold no colon; ids that collide after escaping get distinct files', () => {
    expect(fileNameFor('RHSA-2022:0011')).toBe('RHSA-2022_0011.json');
    expect(writeStored(root, adv)).toBe('advisories/csaf/RHSA-2022_0011.json');
    const twin = { ...adv, id: 'RHSA-2022_0011' };
    // The twin's own name is free of escapes, so it takes the plain file name, moving nobody…
    expect(fileNameFor(twin.id)).toBe('RHSA-2022_0011.json');
    const other = { ...adv, id: 'RHSA-2022+0011' };
    expect(writeStored(root, other)).toMatch(/^advisories\/csaf\/RHSA-2022_0011-[0-9a-f]{8}\.json$/);
    expect(readStored(root, 'csaf', 'RHSA-2022+0011')!.id).toBe('RHSA-2022+0011');
    expect(readStored(root, 'csaf', 'RHSA-2022:0011')!.id).toBe('RHSA-2022:0011');
  });

  it('files are stable: fixed key order, two-space indent, final newline', () => {
    writeStored(root, adv);
    const text = readFileSync(join(root, 'advisories/csaf/RHSA-2022_0011.json'), 'utf8');
    expect(text).toBe(serialize(adv));
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object).slice(0, 3)).toEqual(['id', 'source', 'aliases']);
  });

  it('a hand-damaged file is a located problem in loadStore and an E_ADVISORY_STORE error when read directly', () => {
    writeStored(root, adv);
    const file = join(root, 'advisories/csaf/RHSA-2022_0011.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"severity": "high"', '"severity": "urgent"'));
    const r = loadStore(root);
    expect(r.advisories).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ file: 'advisories/csaf/RHSA-2022_0011.json', pointer: '/severity', code: 'store-schema', line: 8 })]);
    expect(() => readStored(root, 'csaf', 'RHSA-2022:0011')).toThrow(expect.objectContaining({ code: 'E_ADVISORY_STORE' }));
  });
});
