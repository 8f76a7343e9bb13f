import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlumbError } from '../errors/base.js';
import { deb } from './deb/index.js';
import { parseRange, satisfies } from './range.js';
import { rpm } from './rpm/index.js';

const schema = JSON.parse(readFileSync(new URL('../model/schema/common.schema.json', import.meta.url), 'utf8')) as {
  definitions: { VersionRange: { pattern: string } };
};
const PATTERN = new RegExp(schema.definitions.VersionRange.pattern);

describe('parseRange', () => {
  it.each([
    ['*', []],
    ['  *  ', []],
    ['< 3.0.15-1~deb12u1', [{ op: '<', version: '3.0.15-1~deb12u1' }]],
    ['>= 1.0, < 2.0', [{ op: '>=', version: '1.0' }, { op: '<', version: '2.0' }]],
    ['>=1.0 <2.0', [{ op: '>=', version: '1.0' }, { op: '<', version: '2.0' }]],
    ['>=1.0<2.0', [{ op: '>=', version: '1.0' }, { op: '<', version: '2.0' }]],
    ['>> 1:2.3 , << 1:3', [{ op: '>', version: '1:2.3' }, { op: '<', version: '1:3' }]],
    ['!= 1.0-1 = 1.0-2 <= 9', [{ op: '!=', version: '1.0-1' }, { op: '=', version: '1.0-2' }, { op: '<=', version: '9' }]],
  ])('%j', (text, want) => {
    expect(parseRange(text)).toEqual(want);
    expect(PATTERN.test(text)).toBe(true);
  });

  it.each(['', ' ', '1.0', '< ', '<', '* , < 1', '=> 1', '== 1', '< 1,, > 0', '< 1 ,', '< ~1', '< 1 0', '<> 1', '>= 1.0 and < 2'])(
    'rejects %j, as the schema pattern does',
    (text) => {
      expect(parseRange(text)).toBeNull();
      expect(PATTERN.test(text)).toBe(false);
    },
  );
});

describe('satisfies', () => {
  it('requires every comparator to hold, under the scheme given', () => {
    expect(satisfies(deb, '3.0.11-1~deb12u2', '< 3.0.15-1~deb12u1')).toBe(true);
    expect(satisfies(deb, '3.0.15-1~deb12u1', '< 3.0.15-1~deb12u1')).toBe(false);
    expect(satisfies(deb, '1.5', '>= 1.0, < 2.0')).toBe(true);
    expect(satisfies(deb, '2.0~rc1', '>= 1.0, < 2.0')).toBe(true);
    expect(satisfies(deb, '2.0', '>= 1.0, < 2.0')).toBe(false);
    expect(satisfies(deb, 'anything', '*')).toBe(true);
    expect(satisfies(deb, '1.0', '!= 1.0-0')).toBe(false);
    expect(satisfies(rpm, '2.20.0-3.el8_8', '< 2.20.0-3.el8_8')).toBe(false);
    expect(satisfies(rpm, '2.20.0-2.el8', '<< 2.20.0-3.el8_8')).toBe(true);
    expect(satisfies(rpm, '1.0^post1', '>> 1.0, < 1.0.1')).toBe(true);
  });

  it('takes parsed comparators, so a range is parsed once for many versions', () => {
    const range = parseRange('>= 1.0, < 2.0')!;
    expect(['0.9', '1.0', '1.9', '2.0'].map((v) => satisfies(deb, v, range))).toEqual([false, true, true, false]);
  });

  it('throws E_INVALID_RANGE for text that is not a range, and E_INVALID_VERSION for a refused version', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof PlumbError ? e.code : String(e);
      }
      return 'no error';
    };
    expect(code(() => satisfies(deb, '1.0', '1.0'))).toBe('E_INVALID_RANGE');
    expect(code(() => satisfies(deb, '1 0', '< 2'))).toBe('E_INVALID_VERSION');
  });
});
