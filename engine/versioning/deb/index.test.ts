import { describe, expect, it } from 'vitest';
import { PlumbError } from '../../errors/base.js';
import { deb } from './index.js';

// Every expectation below was read off `dpkg --compare-versions` 1.21.23 by hand; test/oracle/deb.test.ts checks
// thousands more against the real dpkg on every run.
const ORDER: Array<[string, '<' | '=' | '>', string]> = [
  ['1.0', '<', '1.1'],
  ['1.0~rc1', '<', '1.0'],
  ['1.0~~', '<', '1.0~'],
  ['1.0~~a', '>', '1.0~~'],
  ['1.0', '<', '1.0+b1'],
  ['1.0+b1', '<', '1.0.1'],
  ['1.0a', '<', '1.0+'],
  ['1.0a', '<', '1.0.'],
  ['1.0', '<', '1.0a'],
  ['1:0.1', '>', '2.0'],
  ['0:1.0', '=', '1.0'],
  ['1.0-0', '=', '1.0'],
  ['1.0-1', '<', '1.0-1.1'],
  ['1.0-1~bpo1', '<', '1.0-1'],
  ['2.30-12', '<', '2.30-12+deb12u1'],
  ['1:9.2p1-2+deb12u3', '>', '1:9.2p1-2+deb12u2'],
  ['3.0.15-1~deb12u1', '>', '3.0.11-1~deb12u2'],
  ['01.0', '=', '1.0'],
  ['1.00', '=', '1.0'],
  ['1.001', '=', '1.01'],
  ['99999999999999999999999999', '>', '99999999999999999999999998'],
  ['1.0-1-2', '<', '1.0-1-10'],
  ['1:2:3', '<', '1:2:10'],
  ['1.2.3-a-b', '>', '1.2.3-a'],
  ['0', '=', '00'],
  ['a', '<', 'b'],
  ['A', '<', 'a'],
  ['Z', '<', 'a'],
  // Bytes above 127 (here UTF-8 of ä and é) sort after letters and before other symbols.
  ['1.0ä', '<', '1.0+'],
  ['1.0ä', '>', '1.0z'],
  ['1.0ä', '<', '1.0é'],
  // The blank version sorts before every version.
  ['', '<', '0'],
  ['<unknown>', '=', ''],
  [' 1.0\t', '=', '1.0'],
];

const sign = (n: number) => (n < 0 ? '<' : n > 0 ? '>' : '=');

describe('deb order', () => {
  it.each(ORDER)('%s %s %s', (a, want, b) => {
    expect(sign(deb.compare(a, b))).toBe(want);
    expect(sign(deb.compare(b, a))).toBe(want === '<' ? '>' : want === '>' ? '<' : '=');
  });

  it('returns -1, 0 or 1', () => {
    expect(deb.compare('1.0a', '1.0z')).toBe(-1);
    expect(deb.compare('1.0z', '1.0a')).toBe(1);
  });

  it('compares digit runs of any length without overflow', () => {
    const long = '1'.repeat(400);
    expect(deb.compare(`${long}0`, `${long}1`)).toBe(-1);
    expect(deb.compare(`0000${long}`, long)).toBe(0);
  });
});

// Errors make dpkg exit 2; warnings are printed and the comparison goes ahead (see README.md).
const DIAGNOSES: Array<[string, 'error' | 'warning' | null, string?]> = [
  ['1.0', null],
  ['1:2.3~rc1+dfsg-4~deb12u1', null],
  [' 1.0 ', null],
  ['+1:1', null],
  ['-0:1', null],
  ['\n1:2', null],
  ['2147483647:1', null],
  ['1:2:3', null],
  ['1.0-1-2', null],
  [' ', 'error', 'version string is empty'],
  ['1 0', 'error', 'version string has embedded spaces'],
  [':1', 'error', 'epoch in version is empty'],
  ['a:1', 'error', 'epoch in version is empty'],
  ['1.0-1:2', 'error', 'epoch in version is not number'],
  ['-1:1', 'error', 'epoch in version is negative'],
  ['2147483648:1', 'error', 'epoch in version is too big'],
  ['99999999999999999999:1', 'error', 'epoch in version is too big'],
  ['2:', 'error', 'nothing after colon in version number'],
  ['1.0-', 'error', 'revision number is empty'],
  ['-1', 'error', 'version number is empty'],
  ['2:-1', 'error', 'version number is empty'],
  ['1\u00000', 'error', 'version string contains a NUL character'],
  ['a', 'warning', 'version number does not start with digit'],
  ['1:a1.0', 'warning', 'version number does not start with digit'],
  ['1_0', 'warning', 'invalid character in version number'],
  ['1.0ä', 'warning', 'invalid character in version number'],
  ['1.0-a_b', 'warning', 'invalid character in revision number'],
  ['1.0-1:2x', 'error', 'epoch in version is not number'],
  ['', 'warning'],
  ['<unknown>', 'warning'],
];

describe('deb validity', () => {
  it.each(DIAGNOSES)('%j → %s', (v, severity, message) => {
    const d = deb.diagnose(v);
    expect(d?.severity ?? null).toBe(severity);
    if (message) expect(d?.message).toBe(message);
    expect(deb.isValid(v)).toBe(severity === null);
    if (severity === 'error') {
      let thrown: unknown;
      try {
        deb.compare(v, '1.0');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(PlumbError);
      expect((thrown as PlumbError).code).toBe('E_INVALID_VERSION');
      expect(() => deb.compare('1.0', v)).toThrow(PlumbError);
      expect(() => deb.compare(v, v)).toThrow(PlumbError);
    } else {
      expect(deb.compare(v, v)).toBe(0);
    }
  });
});
