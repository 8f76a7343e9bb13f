import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAPPERS } from './index.js';

/** Every mapper file is registered, and every registered mapper honours the contract. */
describe('mappers', () => {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts' && f !== 'values.ts').map((f) => f.replace(/\.ts$/, ''));

  it('the folder and MAPPERS name the same mappers', () => {
    expect(MAPPERS.map((m) => m.kind).sort()).toEqual(files.sort());
  });

  it.each(MAPPERS.map((m) => [m.kind, m] as const))('%s: describes itself and claims nothing from nothing', (_kind, m) => {
    expect(m.description.length).toBeGreaterThan(20);
    const doc = { file: 'x', definitions: new Map(), tests: new Map(), objects: new Map(), states: new Map(), variables: new Map() };
    expect(m.claim([], { doc, bound: new Map() })).toEqual([]);
    expect(m.claim([{ op: 'const', value: true }, { op: 'unsupported', why: 'x' }], { doc, bound: new Map() })).toEqual([]);
  });
});
