import { describe, expect, it } from 'vitest';
import { parseXml } from './xml.js';

/** Hostile content: the parser must refuse, with a stable code, before anything grows or any file is read. */
describe('parseXml refuses hostile XML', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as { code?: string }).code;
    }
    return 'no error';
  };

  it('an external entity (XXE) is refused, and no file content appears in the error', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`;
    expect(code(() => parseXml(xxe, 'xxe.xml'))).toBe('E_SCAP_CONTENT');
    try {
      parseXml(xxe, 'xxe.xml');
    } catch (e) {
      expect((e as Error).message).not.toMatch(/root:/);
    }
  });

  it('billion laughs is refused without expanding anything', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><lolz>&lol9;</lolz>`;
    const before = process.memoryUsage().heapUsed;
    expect(code(() => parseXml(laughs, 'lol.xml'))).toBe('E_SCAP_CONTENT');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('an entity used without a DOCTYPE is an error, not text', () => {
    expect(code(() => parseXml('<r>&nbsp;</r>', 'x.xml'))).toBe('E_SCAP_CONTENT');
  });

  it('a DOCTYPE without entities is refused too (SCAP content has none)', () => {
    expect(code(() => parseXml('<!DOCTYPE r><r/>', 'x.xml'))).toBe('E_SCAP_CONTENT');
  });

  it('deep nesting, too many elements and oversized input are refused by the limits', () => {
    const deep = `${'<a>'.repeat(100)}${'</a>'.repeat(100)}`;
    expect(code(() => parseXml(deep, 'deep.xml'))).toBe('E_SCAP_CONTENT');
    const many = `<r>${'<a/>'.repeat(50)}</r>`;
    expect(code(() => parseXml(many, 'many.xml', { maxBytes: 1e6, maxDepth: 64, maxElements: 20 }))).toBe('E_SCAP_CONTENT');
    expect(code(() => parseXml(`<r>${'x'.repeat(2000)}</r>`, 'big.xml', { maxBytes: 1000, maxDepth: 64, maxElements: 100 }))).toBe('E_SCAP_CONTENT');
  });

  it('not well-formed XML is located', () => {
    try {
      parseXml('<r>\n<a></b></r>', 'bad.xml');
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_SCAP_CONTENT');
      expect((e as Error).message).toMatch(/^bad\.xml: /);
    }
  });

  it('reads namespaces, attributes, text and the five predefined entities and character references', () => {
    const el = parseXml('<x:r xmlns:x="urn:x" a="1&amp;2"><x:c>a&lt;b&#65;</x:c></x:r>', 'ok.xml');
    expect(el).toMatchObject({ name: 'r', ns: 'urn:x', attrs: { a: '1&2' } });
    expect(el.children[0]).toMatchObject({ name: 'c', ns: 'urn:x', text: 'a<bA' });
  });
});
