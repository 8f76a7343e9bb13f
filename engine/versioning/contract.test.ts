import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PlumbError } from '../errors/base.js';
import { SCHEMES, type VersionSchemePlugin } from './index.js';

/**
 * Every folder under versioning/ is a scheme, and every scheme honours the contract: a total order on what it
 * accepts (reflexive, antisymmetric, transitive), results of exactly -1/0/1, and isValid()/diagnose()/compare()
 * telling one consistent story about invalid input.
 */

const HERE = fileURLToPath(new URL('.', import.meta.url));
const FOLDERS = readdirSync(HERE, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

/** Strings both schemes meet in practice, plus shapes that stress the edges of either. */
const COMMON = [
  '0', '1', '1.0', '1.0.0', '1.00', '01', '1.0a', '1.0A', '1.0+b1', '1.0.1', '1.0~rc1', '1.0~', '1.0~~', '1.0^', '1.0^post1',
  '1.0-1', '1.0-0', '1.0-1.1', '1.0-1~bpo1', '1:1.0', '0:1.0', '2:0.1-1', '1:2:3', '1.0-1-2', '3.0.15-1~deb12u1',
  '3.0.11-1~deb12u2', '2.20.0-3.el8_8', '1:0.17-65.el7_6', '5.14.0-362.8.1.el9_3', '1_0', 'a', 'abc', `1.${'9'.repeat(30)}`,
];

function randomVersions(n: number): string[] {
  let s = 7;
  const next = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = ['0', '1', '2', '9', '10', 'a', 'z', 'B', '~', '^', '.', '+', '-', ':', '_'];
  return Array.from({ length: n }, () => {
    let v = String(Math.floor(next() * 10));
    const len = Math.floor(next() * 8);
    for (let i = 0; i < len; i++) v += alphabet[Math.floor(next() * alphabet.length)];
    return v;
  });
}

/** A scheme's comparable samples: everything its compare() accepts. */
function comparable(scheme: VersionSchemePlugin): string[] {
  return [...COMMON, ...randomVersions(60)].filter((v) => scheme.diagnose(v)?.severity !== 'error');
}

describe('versioning plug-ins', () => {
  it('every folder is a registered scheme with index.ts, index.test.ts and README.md', () => {
    expect(FOLDERS.sort()).toEqual(SCHEMES.map((s) => s.id).sort());
    for (const folder of FOLDERS) for (const file of ['index.ts', 'index.test.ts', 'README.md']) expect(existsSync(`${HERE}${folder}/${file}`), `${folder}/${file}`).toBe(true);
  });

  describe.each(SCHEMES.map((s) => [s.id, s] as const))('%s', (_id, scheme) => {
    const samples = comparable(scheme);

    it('is reflexive and answers -1, 0 or 1', () => {
      for (const a of samples) {
        expect(scheme.compare(a, a)).toBe(0);
        expect(scheme.compare(a, `${a}`.slice(0))).toBe(0);
        for (const b of samples) expect([-1, 0, 1]).toContain(scheme.compare(a, b));
      }
    });

    it('is antisymmetric', () => {
      for (const a of samples) for (const b of samples) expect(scheme.compare(a, b), `${a} vs ${b}`).toBe(-scheme.compare(b, a) || 0);
    });

    it('is transitive', () => {
      const bad: string[] = [];
      for (const a of samples)
        for (const b of samples) {
          if (scheme.compare(a, b) > 0) continue;
          for (const c of samples) {
            if (scheme.compare(b, c) > 0) continue;
            // a <= b <= c must give a <= c, and equality must carry through.
            const ac = scheme.compare(a, c);
            if (ac > 0 || (ac !== 0 && scheme.compare(a, b) === 0 && scheme.compare(b, c) === 0)) bad.push(`${a} ≤ ${b} ≤ ${c}`);
          }
        }
      expect(bad.slice(0, 10)).toEqual([]);
    });

    it('isValid, diagnose and compare agree about invalid input', () => {
      for (const v of [...COMMON, ...randomVersions(200), '', ' ', '1 0', '1\u00000', 'a:1', '1.0-']) {
        const d = scheme.diagnose(v);
        expect(scheme.isValid(v), JSON.stringify(v)).toBe(d === null);
        if (d?.severity === 'error') {
          let thrown: unknown;
          try {
            scheme.compare(v, '1');
          } catch (e) {
            thrown = e;
          }
          expect(thrown, JSON.stringify(v)).toBeInstanceOf(PlumbError);
          expect((thrown as PlumbError).code).toBe('E_INVALID_VERSION');
        } else {
          expect(() => scheme.compare(v, '1'), JSON.stringify(v)).not.toThrow();
        }
      }
    });

    it('sorts with Array.prototype.sort into the order compare() describes', () => {
      const sorted = [...samples].sort(scheme.compare);
      for (let i = 1; i < sorted.length; i++) expect(scheme.compare(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
    });
  });
});
