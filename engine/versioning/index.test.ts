import { describe, expect, it } from 'vitest';
import { PlumbError } from '../errors/base.js';
import { compareOsVersion, getScheme, satisfies, satisfiesOsVersion, schemeForOs, SCHEMES } from './index.js';

describe('getScheme', () => {
  it('finds every registered scheme by id', () => {
    for (const s of SCHEMES) expect(getScheme(s.id)).toBe(s);
  });

  it('throws E_UNKNOWN_SCHEME listing the known schemes', () => {
    let thrown: unknown;
    try {
      getScheme('apk');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(PlumbError);
    expect((thrown as PlumbError).code).toBe('E_UNKNOWN_SCHEME');
    expect((thrown as PlumbError).data).toMatchObject({ id: 'apk', known: ['deb', 'rpm'] });
  });
});

describe('schemeForOs', () => {
  it.each(['debian', 'ubuntu', 'raspbian', 'devuan', 'linuxmint', 'kali', 'Debian'])('%s → deb', (id) => {
    expect(schemeForOs(id)?.id).toBe('deb');
  });
  it.each(['rhel', 'almalinux', 'rocky', 'centos', 'fedora', 'ol', 'amzn', 'opensuse-leap', 'opensuse-tumbleweed', 'sles', 'sled'])('%s → rpm', (id) => {
    expect(schemeForOs(id)?.id).toBe('rpm');
  });
  it('falls back to ID_LIKE, and knows when it does not know', () => {
    expect(schemeForOs('myco-linux', 'rhel centos fedora')?.id).toBe('rpm');
    expect(schemeForOs('myco-linux', ['ubuntu', 'debian'])?.id).toBe('deb');
    expect(schemeForOs('alpine')).toBeNull();
    expect(schemeForOs('arch', 'archlinux')).toBeNull();
    expect(schemeForOs('')).toBeNull();
  });
});

describe('OS release versions', () => {
  it.each([
    ['12', '<', '13'],
    ['12', '=', '12.0'],
    ['12.0.0', '=', '12'],
    ['9.3', '<', '9.10'],
    ['22.04', '<', '22.10'],
    ['22.04', '=', '22.4'],
    ['8.10', '>', '8.9'],
    ['15.5', '>', '15'],
    ['2023', '>', '2'],
    ['3.19.1', '<', '3.20'],
  ])('%s %s %s', (a, want, b) => {
    const c = compareOsVersion(a, b);
    expect(c < 0 ? '<' : c > 0 ? '>' : '=').toBe(want);
    expect(-compareOsVersion(b, a) || 0).toBe(c);
  });

  it('matches platform ranges against VERSION_ID', () => {
    expect(satisfiesOsVersion('12', '>= 12, < 13')).toBe(true);
    expect(satisfiesOsVersion('12.0', '>= 12, < 13')).toBe(true);
    expect(satisfiesOsVersion('13', '>= 12, < 13')).toBe(false);
    expect(satisfiesOsVersion('11', '>= 12, < 13')).toBe(false);
    expect(satisfiesOsVersion('9.3', '>= 9.2')).toBe(true);
    expect(satisfiesOsVersion('9.10', '> 9.9')).toBe(true);
    expect(satisfiesOsVersion('22.04', '= 22.04')).toBe(true);
    expect(satisfiesOsVersion('anything', '*')).toBe(true);
    expect(() => satisfiesOsVersion('12', 'twelve')).toThrow(PlumbError);
  });

  it('gives the same answers through satisfies(deb, …) except for trailing zeros', () => {
    const deb = getScheme('deb');
    for (const [v, range] of [['12', '>= 12, < 13'], ['13', '>= 12, < 13'], ['9.10', '> 9.9'], ['22.04', '< 22.10'], ['8', '>= 8.0']] as const) {
      const same = v !== '8';
      expect(satisfies(deb, v, range) === satisfiesOsVersion(v, range)).toBe(same);
    }
  });
});
