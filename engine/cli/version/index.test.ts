import { describe, expect, it } from 'vitest';
import { getScheme } from '../../versioning/index.js';
import { compareLine, comparePair } from './compare.js';

const deb = getScheme('deb');
const rpm = getScheme('rpm');

describe('compareLine', () => {
  it('skips blank lines and comments', () => {
    for (const text of ['', '   ', '\t', '# a comment', '   # indented comment', '\r']) expect(compareLine(deb, text, 1)).toBeNull();
  });

  it('compares "A B" with any blanks around and between, CRLF included', () => {
    expect(compareLine(deb, '1.0 1.1', 3)).toEqual({ line: 3, a: '1.0', b: '1.1', order: '<', problems: [] });
    expect(compareLine(deb, '\t1:1.0\t \t2.0 \r', 4)?.order).toBe('>');
    expect(compareLine(rpm, '1.0^post1 1.0.1', 5)?.order).toBe('<');
  });

  it('reports a line without exactly two versions as an error, with no order', () => {
    for (const text of ['1.0', '1.0 1.1 1.2', '1.0 1.1 # trailing comment']) {
      const r = compareLine(deb, text, 7)!;
      expect(r.order).toBeNull();
      expect(r.problems.map((p) => p.severity)).toEqual(['error']);
    }
  });
});

describe('comparePair', () => {
  it('reports what dpkg refuses as an error and what it only warns about as a warning', () => {
    expect(comparePair(deb, 'a:1', '1.0')).toMatchObject({ order: null, problems: [{ severity: 'error' }] });
    expect(comparePair(deb, '1.0', '1.0-')).toMatchObject({ order: null, problems: [{ severity: 'error' }] });
    expect(comparePair(deb, '1_0', '1.0')).toMatchObject({ order: '>', problems: [{ severity: 'warning' }] });
    expect(comparePair(deb, 'a', 'a')).toMatchObject({ order: '=', problems: [{ severity: 'warning' }] });
    expect(comparePair(deb, '<unknown>', '0')).toMatchObject({ order: '<', problems: [{ severity: 'warning' }] });
  });

  it('lets rpm compare what rpm compares, with a warning for what rpmbuild would not produce', () => {
    expect(comparePair(rpm, '1.0-1-2', '1.0-1-10')).toMatchObject({ order: '<', problems: [{ severity: 'warning' }, { severity: 'warning' }] });
    expect(comparePair(rpm, '', '1')).toMatchObject({ order: null, problems: [{ severity: 'error' }] });
  });
});
