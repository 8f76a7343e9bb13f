import { describe, expect, it } from 'vitest';
import { PlumbError } from '../../errors/base.js';
import { rpm } from './index.js';

// Every expectation below was read off rpm 4.18's rpm.vercmp() by hand; test/oracle/rpm.test.ts checks tens of
// thousands more against the real rpm on every run.
const ORDER: Array<[string, '<' | '=' | '>', string]> = [
  ['1.0', '<', '1.1'],
  ['1.0', '<', '1.0.1'],
  ['1.0~rc1', '<', '1.0'],
  ['1.0~rc1', '<', '1.0~rc2'],
  ['1.0~~', '<', '1.0~'],
  ['1.0^', '>', '1.0'],
  ['1.0^post1', '<', '1.0.1'],
  ['1.0^post1', '>', '1.0'],
  ['1.0^a', '<', '1.0a'],
  ['1.0~rc1^post', '>', '1.0~rc1'],
  ['1.0a', '>', '1.0'],
  ['1.0a', '<', '1.0.1'],
  ['a', '<', '1'],
  ['1a', '=', '1.a'],
  ['1_0', '=', '1.0'],
  ['1..0', '=', '1.0'],
  ['1.0', '<', '1.0.0'],
  ['010', '=', '10'],
  ['0001.2', '=', '1.02'],
  // A release, even an empty one, ranks above no release at all.
  ['1.0-1', '>', '1.0'],
  ['1.0-', '>', '1.0'],
  ['1:1.0', '>', '2.0'],
  ['0:1.0', '=', '1.0'],
  [':1.0', '=', '1.0'],
  ['1:', '>', '1'],
  ['00:1', '=', '1'],
  ['2.20.0-3.el8_8', '>', '2.20.0-3.el8'],
  ['1:0.17-65.el7_6', '>', '1:0.17-64.el7'],
  ['1.0-1.el9', '<', '1.0-1.el9_1'],
  ['5.14.0-362.8.1.el9_3', '<', '5.14.0-362.18.1.el9_3'],
  ['123456789012345678901234567890', '<', '123456789012345678901234567891'],
  ['abc', '<', 'abd'],
  ['ABC', '<', 'abc'],
  ['1.0-1-2', '<', '1.0-1-10'],
  [' 1', '=', '1'],
];

const sign = (n: number) => (n < 0 ? '<' : n > 0 ? '>' : '=');

describe('rpm order', () => {
  it.each(ORDER)('%s %s %s', (a, want, b) => {
    expect(sign(rpm.compare(a, b))).toBe(want);
    expect(sign(rpm.compare(b, a))).toBe(want === '<' ? '>' : want === '>' ? '<' : '=');
  });

  it('compares digit runs of any length without overflow', () => {
    const long = '9'.repeat(500);
    expect(rpm.compare(`${long}8`, `${long}9`)).toBe(-1);
    expect(rpm.compare(`000${long}`, long)).toBe(0);
    expect(rpm.compare(`${long}0:1`, `${long}:2`)).toBe(1);
  });
});

describe('rpm validity', () => {
  it.each([
    ['1.0', true],
    ['2.20.0-3.el8_8', true],
    ['1:0.17-65.el7_6', true],
    ['1.0~rc1^git20230101.abc123-0.1.fc39', true],
    ['4294967295:1', true],
    ['4294967296:1', false],
    ['1.0-1-2', false],
    ['1.0-', false],
    [':1.0', false],
    ['a:1', false],
    ['1 0', false],
    ['1.0ä', false],
  ])('%j valid: %s', (v, valid) => {
    expect(rpm.isValid(v)).toBe(valid);
    expect(rpm.diagnose(v)?.severity ?? null).toBe(valid ? null : 'warning');
    // rpm compares everything but the empty string, so invalid here is only a warning.
    expect(rpm.compare(v, v)).toBe(0);
  });

  it.each(['', '1\u00000'])('refuses %j the way rpm.vercmp raises', (v) => {
    expect(rpm.isValid(v)).toBe(false);
    expect(rpm.diagnose(v)?.severity).toBe('error');
    let thrown: unknown;
    try {
      rpm.compare('1.0', v);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PlumbError);
    expect((thrown as PlumbError).code).toBe('E_INVALID_VERSION');
    expect(() => rpm.compare(v, v)).toThrow(PlumbError);
  });
});
