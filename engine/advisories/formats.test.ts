import { existsSync, readdirSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, sampleJson } from '../../test/advisories/official.js';
import { check, compile } from './check.js';
import { detectFormat, FORMATS } from './formats.js';
import { VERSIONS } from './ingest.js';
import { STORED_ADVISORY_SCHEMA } from './store-schema.js';

const HERE = new URL('./', import.meta.url);
const ctx = { location: 'contract.json', now: '2026-01-01T00:00:00Z', ...VERSIONS };
const validateStored = compile(STORED_ADVISORY_SCHEMA);

const JUNK: unknown[] = [null, 0, 'x', true, [], {}, [null], { id: 1 }, { document: null }, { document: { csaf_version: '2.0' } }, { vulns: 'x' }, { a: { 'CVE-1': null } }, { a: [] }, [{ id: 'x', modified: 'y', affected: [{ package: null }] }]];

const SAMPLES: Record<string, string[]> = {
  osv: ['osv/DSA-3029-1.json', 'osv/USN-5614-1.json', 'osv/UBUNTU-CVE-2021-3782.json', 'osv/ALSA-2023-4520.json'],
  csaf: ['csaf/rhsa-2022_0011.json', 'csaf/bsi-2022-0001.json'],
  'debian-tracker': ['debian-tracker/debian-tracker-sample.json'],
};

describe('advisory format plug-ins', () => {
  it('every plug-in folder is registered in formats.ts, and every registered format has its folder with index.ts, index.test.ts and README.md', () => {
    const folders = readdirSync(HERE).filter((n) => statSync(new URL(n, HERE)).isDirectory());
    expect(folders.sort()).toEqual(FORMATS.map((f) => f.id).sort());
    for (const f of FORMATS) {
      for (const file of ['index.ts', 'index.test.ts', 'README.md']) expect(existsSync(new URL(`${f.id}/${file}`, HERE)), `${f.id}/${file}`).toBe(true);
      expect(f.description.length).toBeGreaterThan(10);
    }
  });

  it.each(FORMATS.map((f) => [f.id, f] as const))('%s never throws on junk and reports it as problems, never as advisories', (_id, format) => {
    for (const junk of JUNK) {
      expect(typeof format.detect(junk)).toBe('boolean');
      const r = format.normalize(junk, ctx);
      expect(Array.isArray(r.problems)).toBe(true);
      for (const a of r.advisories) expect(check(validateStored, { ...a, knew: ctx.now }, '')).toEqual([]);
      for (const p of r.problems) expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
    }
  });

  it.skipIf(!HAVE_SHARED)('each real sample is detected as its own format only, and normalizes to valid store records of that source', () => {
    for (const [id, files] of Object.entries(SAMPLES)) {
      for (const file of files) {
        const value = sampleJson(file);
        expect(FORMATS.filter((f) => f.detect(value)).map((f) => f.id), file).toEqual([id]);
        expect(detectFormat(value)?.id).toBe(id);
        const r = detectFormat(value)!.normalize(value, ctx);
        expect(r.advisories.length, file).toBeGreaterThan(0);
        for (const a of r.advisories) {
          expect(a.source).toBe(id);
          expect(a.origin.location).toBe('contract.json');
          expect(check(validateStored, { ...a, knew: ctx.now }, ''), `${file} ${a.id}`).toEqual([]);
        }
      }
    }
  });
});
