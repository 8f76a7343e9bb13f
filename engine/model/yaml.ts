import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { pointerJoin, type Problem, type Provenance } from './problem.js';

/**
 * Hostile input is expected here (pull requests from anyone with write access to a branch), so every
 * resource the parser could be made to spend is bounded: bytes, aliases, nesting.
 */
export interface YamlLimits {
  maxBytes: number;
  maxAliasCount: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: YamlLimits = { maxBytes: 2 * 1024 * 1024, maxAliasCount: 100, maxDepth: 64 };

/** A parsed document and where each of its nodes stands; plain data, so it can cross a worker boundary. */
export interface ParsedYamlData {
  file: string;
  value: unknown;
  /** JSON pointer → offset of the node (for a mapping entry: of its key). */
  positions: Map<string, number>;
  /** Offsets at which lines start (yaml's LineCounter.lineStarts). */
  lineStarts: number[];
}

export class ParsedYaml implements ParsedYamlData {
  constructor(
    readonly file: string,
    readonly value: unknown,
    readonly positions: Map<string, number>,
    readonly lineStarts: number[],
  ) {}

  static from(d: ParsedYamlData): ParsedYaml {
    return new ParsedYaml(d.file, d.value, d.positions, d.lineStarts);
  }

  /** Position of the node at a JSON pointer, or of its nearest ancestor that has one. */
  locate(pointer: string): Omit<Provenance, 'commit'> {
    let p = pointer;
    for (;;) {
      const off = this.positions.get(p);
      if (off !== undefined) return { file: this.file, pointer, ...linePos(this.lineStarts, off) };
      if (p === '') return { file: this.file, pointer, line: 1, col: 1 };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }
}

/** 1-based line and column of an offset, by binary search over line starts. */
export function linePos(lineStarts: number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (lineStarts[lo] ?? 0) + 1 };
}

export type ParseResult = { ok: true; doc: ParsedYaml } | { ok: false; problems: Problem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseYaml(file: string, bytes: Uint8Array, limits: YamlLimits = DEFAULT_LIMITS): ParseResult {
  const fail = (code: string, message: string, hint?: string, line = 1, col = 1): ParseResult => ({
    ok: false,
    problems: [{ severity: 'error', code, message, hint, file, line, col, pointer: '' }],
  });
  if (bytes.length > limits.maxBytes) {
    return fail('too-large', `file is ${bytes.length} bytes; the limit is ${limits.maxBytes}`, 'split it into smaller files');
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, col } = lineColOfByte(bytes, nul);
    return fail('binary', 'file contains a NUL byte: this is not a YAML text file', 'only UTF-8 YAML belongs here', line, col);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const { line, col } = lineColOfByte(bytes, at);
    return fail('encoding', `file is not valid UTF-8 (bad byte at offset ${at})`, 'save the file as UTF-8', line, col);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const lc = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2' });
  } catch (e) {
    return fail('yaml', `YAML could not be parsed: ${(e as Error).message}`);
  }
  const pos = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const yamlProblems: Problem[] = doc.errors.map((e) => {
    const { line, col } = pos(e.pos[0]);
    return {
      severity: 'error',
      code: 'yaml',
      message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, ''),
      hint: yamlHint(e.code),
      file,
      line,
      col,
      pointer: '',
    };
  });
  if (yamlProblems.length) return { ok: false, problems: yamlProblems };

  const positions = new Map<string, number>();
  const tooDeep = indexPositions(doc.contents as Node | null, '', 0, limits.maxDepth, positions);
  if (tooDeep !== null) {
    const { line, col } = pos(tooDeep);
    return fail('too-deep', `nesting deeper than ${limits.maxDepth} levels`, 'desired-state documents are never this deep', line, col);
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (e) {
    const msg = (e as Error).message;
    if (/alias/i.test(msg)) {
      return fail('alias-bomb', 'too many YAML alias expansions (possible alias bomb)', `at most ${limits.maxAliasCount} alias expansions are allowed`);
    }
    return fail('yaml', `YAML could not be read: ${msg}`);
  }

  return { ok: true, doc: new ParsedYaml(file, value, positions, lc.lineStarts) };
}

/** Records the start offset of every node by JSON pointer; returns the offset of a node that is too deep, else null. */
function indexPositions(node: Node | null, pointer: string, depth: number, maxDepth: number, out: Map<string, number>): number | null {
  if (!node) return null;
  if (node.range) out.set(pointer, node.range[0]);
  if (depth > maxDepth) return node.range?.[0] ?? 0;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key as Node | null;
      const key = isScalar(k) ? String(k.value) : String(k);
      const child = pointerJoin(pointer, key);
      const valueNode = pair.value as Node | null;
      if (isMap(valueNode) || isSeq(valueNode)) {
        const r = indexPositions(valueNode, child, depth + 1, maxDepth, out);
        if (r !== null) return r;
      }
      // Point at the key, which is where a reader looks for "field X is wrong".
      if (k && k.range) out.set(child, k.range[0]);
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const r = indexPositions(node.items[i] as Node, pointerJoin(pointer, i), depth + 1, maxDepth, out);
      if (r !== null) return r;
    }
  }
  return null;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: YAML uses spaces, aligned per level';
    case 'TAB_AS_INDENT':
      return 'replace tabs with spaces';
    case 'MULTIPLE_DOCS':
      return 'put one document per file (no ---)';
    default:
      return undefined;
  }
}

function lineColOfByte(bytes: Uint8Array, at: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: at - lineStart + 1 };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  // Binary search on prefix validity would miss a bad byte hidden after a valid cut; a linear walk is exact.
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (n === 0) return i;
    try {
      utf8.decode(bytes.subarray(i, i + n));
    } catch {
      return i;
    }
    i += n;
  }
  return i;
}
