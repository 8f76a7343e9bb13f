import { SaxesParser, type SaxesTagNS } from 'saxes';
import { ScapContentInvalid } from '../errors/scap.js';

/**
 * SCAP content as a small element tree. The parser is saxes (strict XML 1.0 with namespaces, streaming): it never
 * reads a DTD, so an entity other than the five XML predefines is an error, never an expansion — no external
 * entity (XXE) can read a file and no billion-laughs can grow. A DOCTYPE is refused outright, since SCAP content
 * has none, and size, depth and element count are bounded before anything is built on them.
 */
export interface XmlElement {
  /** Local name, without the prefix. */
  name: string;
  /** Namespace URI ('' when none). */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside this element (child elements' text not included), untrimmed. */
  text: string;
  line: number;
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

/** The SSG Debian data stream is 5.8 MB with ~110,000 elements; these leave room for the largest SSG products. */
export const DEFAULT_LIMITS: XmlLimits = { maxBytes: 128 * 1024 * 1024, maxDepth: 64, maxElements: 4_000_000 };

export function parseXml(text: string, file: string, limits: XmlLimits = DEFAULT_LIMITS): XmlElement {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) throw new ScapContentInvalid(file, `larger than ${limits.maxBytes} bytes`);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  const fail = (why: string): never => {
    throw new ScapContentInvalid(file, `line ${parser.line}, column ${parser.column}: ${why}`);
  };
  parser.on('doctype', () => fail('a DOCTYPE is not allowed in SCAP content (no DTD, no entities)'));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++count > limits.maxElements) fail(`more than ${limits.maxElements} elements`);
    if (stack.length >= limits.maxDepth) fail(`nested deeper than ${limits.maxDepth} levels`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      // Namespace declarations are the parser's business; other attributes by local name (prefixed ones keep it: xml:lang, xsi:type, xlink:href).
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.prefix && a.prefix !== '' ? `${a.prefix}:${a.local}` : a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local, ns: tag.uri, attrs, children: [], text: '', line: parser.line };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root) fail('more than one root element');
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof ScapContentInvalid) throw e;
    throw new ScapContentInvalid(file, `not well-formed XML: ${(e as Error).message}`);
  }
  if (!root) throw new ScapContentInvalid(file, 'no root element');
  return root;
}

export const NS = {
  ds: 'http://scap.nist.gov/schema/scap/source/1.2',
  xccdf: 'http://checklists.nist.gov/xccdf/1.2',
  oval: 'http://oval.mitre.org/XMLSchema/oval-definitions-5',
  cpeDict: 'http://cpe.mitre.org/dictionary/2.0',
  cpeLang: 'http://cpe.mitre.org/language/2.0',
  xlink: 'http://www.w3.org/1999/xlink',
} as const;

/** Children by local name (and namespace, when given). */
export function childrenOf(el: XmlElement, name: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns));
}

export function childOf(el: XmlElement, name: string, ns?: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** Trimmed text of the first child of that name, or undefined. */
export function textOf(el: XmlElement, name: string, ns?: string): string | undefined {
  const c = childOf(el, name, ns);
  return c ? c.text.trim() : undefined;
}

/** Every descendant (depth first, document order) of that name. */
export function* descendants(el: XmlElement, name: string, ns?: string): Generator<XmlElement> {
  for (const c of el.children) {
    if (c.name === name && (ns === undefined || c.ns === ns)) yield c;
    yield* descendants(c, name, ns);
  }
}

/**
 * Text with XML's five special characters escaped, for content and attribute values; characters XML 1.0 cannot hold
 * (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF) become U+FFFD, so a host's odd bytes never
 * make a results document unreadable.
 */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
