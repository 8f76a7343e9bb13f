import { describe, expect, it } from 'vitest';
import { parseJson, syntaxError, tooDeep } from './json-text.js';

const parse = (text: string, limits = { maxBytes: 1 << 20, maxDepth: 8 }) => parseJson('in.json', text, limits);

describe('parseJson', () => {
  it('locates many pointers in one pass: members at their key, items at their value', () => {
    const text = '{\n  "a": 1,\n  "b": [\n    {"c": "x"},\n    {"d/e": {"f~g": true}}\n  ],\n  "a b": null\n}';
    const r = parse(text);
    if (!r.ok) throw new Error('should parse');
    const at = r.doc.locateAll(['', '/a', '/b/0', '/b/0/c', '/b/1/d~1e/f~0g', '/a b', '/b/7/zz', '/nope']);
    expect(at.get('')).toEqual({ line: 1, col: 1 });
    expect(at.get('/a')).toEqual({ line: 2, col: 3 });
    expect(at.get('/b/0')).toEqual({ line: 4, col: 5 });
    expect(at.get('/b/0/c')).toEqual({ line: 4, col: 6 });
    expect(at.get('/b/1/d~1e/f~0g')).toEqual({ line: 5, col: 14 });
    expect(at.get('/a b')).toEqual({ line: 7, col: 3 });
    // A pointer that does not exist gets its nearest existing ancestor.
    expect(at.get('/b/7/zz')).toEqual({ line: 3, col: 3 });
    expect(at.get('/nope')).toEqual({ line: 1, col: 1 });
  });

  it('skips over nested values, escaped quotes and keys with escapes', () => {
    const text = '{"s": "a\\"}]{[", "deep": [[[{"x": [1, 2, {"y": "}"}]}]]], "k\\u0041": {"z": 0}, "t": [true, false, null, -1.5e3]}';
    const r = parse(text);
    if (!r.ok) throw new Error('should parse');
    const at = r.doc.locateAll(['/kA/z', '/t/3']);
    expect(text.slice(at.get('/kA/z')!.col - 1).startsWith('"z"')).toBe(true);
    expect(text.slice(at.get('/t/3')!.col - 1).startsWith('-1.5e3')).toBe(true);
  });

  it('reports syntax errors with line and column', () => {
    const r = parse('{\n  "a": 1,\n  "b": }\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ code: 'json', file: 'in.json', line: 3, col: 8 });
    expect(r.problems[0]!.message).toMatch(/expected a value/);
  });

  it.each([
    ['[1, 2', 'end of input'],
    ['{"a" 1}', "':'"],
    ['{"a": "x\ny"}', 'control character'],
    ['{"a": 01}', "','"],
    ['[1] [2]', 'end of input after'],
    ['{"a": "\\q"}', 'bad escape'],
    ['', 'a value'],
  ])('explains %j', (text, fragment) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toContain(fragment);
  });

  it('bounds size and nesting, and refuses bad UTF-8', () => {
    expect(parse('[1]', { maxBytes: 2, maxDepth: 8 })).toMatchObject({ ok: false, problems: [{ code: 'too-large' }] });
    const deep = `${'['.repeat(10)}${']'.repeat(10)}`;
    expect(parse(deep)).toMatchObject({ ok: false, problems: [{ code: 'too-deep', line: 1, col: 9 }] });
    expect(parseJson('x.json', new Uint8Array([0x5b, 0xff, 0x5d]))).toMatchObject({ ok: false, problems: [{ code: 'encoding' }] });
  });

  it('accepts a byte-order mark', () => {
    expect(parseJson('x.json', new TextEncoder().encode('\ufeff{"a": 1}'))).toMatchObject({ ok: true, doc: { value: { a: 1 } } });
  });

  it('tooDeep ignores brackets inside strings, including after escaped quotes', () => {
    expect(tooDeep('["[[[[", "\\"[[[["]', 2)).toBe(-1);
    expect(tooDeep('[[[', 2)).toBe(2);
  });

  it('syntaxError agrees with JSON.parse on what is valid', () => {
    for (const ok of ['{}', '[]', '"x"', '0', '-0.5E+2', '{"a":[1,{"b":null}]}', ' true ']) {
      expect(() => JSON.parse(ok)).not.toThrow();
      expect(syntaxError(ok).message).toBe('unknown JSON error');
    }
  });
});
