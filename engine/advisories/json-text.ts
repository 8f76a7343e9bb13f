import type { Problem } from '../model/problem.js';

/**
 * JSON with positions. Advisory feeds are large (the Debian tracker is ~100 MB), so parsing is JSON.parse and
 * positions are computed only for the pointers that need one, in one pass over the text, when a problem is found.
 */

export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 256 * 1024 * 1024, maxDepth: 64 };

export interface Position {
  line: number;
  col: number;
}

export interface JsonDocument {
  /** File path or URL, as problems should name it. */
  name: string;
  value: unknown;
  /** Positions of many pointers in one pass; a pointer that does not exist gets its nearest ancestor's position. */
  locateAll(pointers: Iterable<string>): Map<string, Position>;
}

export type JsonParseResult = { ok: true; doc: JsonDocument } | { ok: false; problems: Problem[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJson(name: string, input: Uint8Array | string, limits: JsonLimits = DEFAULT_JSON_LIMITS): JsonParseResult {
  const fail = (code: string, message: string, at: Position = { line: 1, col: 1 }, hint?: string): JsonParseResult => ({
    ok: false,
    problems: [{ severity: 'error', code, message, hint, file: name, line: at.line, col: at.col, pointer: '' }],
  });
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > limits.maxBytes) return fail('too-large', `input is ${size} bytes; the limit is ${limits.maxBytes}`, undefined, 'raise --max-bytes if this feed is really that large');
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      return fail('encoding', 'input is not valid UTF-8 JSON', undefined, 'advisory feeds are UTF-8 (RFC 8259)');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = lineIndex(text);
  const deep = tooDeep(text, limits.maxDepth);
  if (deep >= 0) return fail('too-deep', `nesting deeper than ${limits.maxDepth} levels`, lines(deep), 'no advisory format nests this deep');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const err = syntaxError(text, limits.maxDepth);
    return fail('json', `not valid JSON: ${err.message}`, lines(err.offset));
  }
  return {
    ok: true,
    doc: {
      name,
      value,
      locateAll(pointers) {
        const out = new Map<string, Position>();
        const offsets = locateOffsets(text, [...pointers]);
        for (const [p, off] of offsets) out.set(p, lines(off));
        return out;
      },
    },
  };
}

/** offset → line/column (1-based), by binary search over line starts computed once. */
function lineIndex(text: string): (offset: number) => Position {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  };
}

/** Offset of the first bracket past maxDepth, or -1. Tolerant of malformed text; strings are skipped. */
export function tooDeep(text: string, maxDepth: number): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Jump from quote to quote, then step back over escapes: far faster than a char loop on long strings.
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return -1;
        let bs = 0;
        for (let k = q - 1; text.charCodeAt(k) === 0x5c; k--) bs++;
        i = q;
        if (bs % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where and why JSON.parse failed: a strict recursive-descent check (depth already bounded by tooDeep). */
export function syntaxError(text: string, maxDepth = 64): { offset: number; message: string } {
  let i = 0;
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };
  const describe = () => (i >= text.length ? 'end of input' : `'${text[i]}'`);
  const fail = (what: string): never => {
    throw new JsonSyntax(i, `expected ${what}, found ${describe()}`);
  };
  const str = () => {
    if (text[i] !== '"') fail('a string');
    i++;
    for (;;) {
      if (i >= text.length) throw new JsonSyntax(i, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) throw new JsonSyntax(i, 'control character inside a string (escape it)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new JsonSyntax(i, 'bad \\u escape');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else throw new JsonSyntax(i, 'bad escape in a string');
      } else i++;
    }
  };
  const num = () => {
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('a value');
    i += m![0].length;
  };
  const value = (depth: number): void => {
    if (depth > maxDepth) throw new JsonSyntax(i, `nesting deeper than ${maxDepth} levels`);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        if (text[i] !== ':') fail("':' after a key");
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    } else if (c === '"') str();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) num();
    else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else fail('a value');
  };
  try {
    value(0);
    ws();
    if (i < text.length) fail('end of input after the value');
    return { offset: 0, message: 'unknown JSON error' };
  } catch (e) {
    if (e instanceof JsonSyntax) return { offset: Math.min(e.offset, text.length), message: e.message };
    throw e;
  }
}

/**
 * One pass: descend only into containers on the way to a wanted pointer and skip everything else. Object members
 * are located at their key, which is where a reader looks for "field X is wrong". Assumes text is valid JSON.
 */
function locateOffsets(text: string, pointers: string[]): Map<string, number> {
  const onPath = new Set<string>();
  for (const p of pointers) {
    for (let q = p; ; q = q.slice(0, q.lastIndexOf('/'))) {
      if (onPath.has(q)) break;
      onPath.add(q);
      if (q === '') break;
    }
  }
  const found = new Map<string, number>();
  let i = 0;
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };
  const skipString = () => {
    for (i++; ; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i++;
      else if (c === 0x22 || Number.isNaN(c)) {
        i++;
        return;
      }
    }
  };
  const skipValue = () => {
    // Iterative, so that skipping a deep subtree costs no stack.
    let depth = 0;
    while (i < text.length) {
      ws();
      const c = text.charCodeAt(i);
      if (c === 0x7b || c === 0x5b) {
        depth++;
        i++;
        continue;
      }
      if (c === 0x2c || c === 0x3a) {
        i++;
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        depth--;
        i++;
      } else if (c === 0x22) skipString();
      else {
        for (let d = text.charCodeAt(i); i < text.length && !(d === 0x2c || d === 0x5d || d === 0x7d || d === 0x3a || d <= 0x20); d = text.charCodeAt(++i));
      }
      if (depth <= 0) return;
    }
  };
  const visit = (ptr: string, at: number) => {
    found.set(ptr, at);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const keyAt = i;
        const start = i;
        skipString();
        const raw = text.slice(start, i);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        ws();
        i++; // ':'
        ws();
        const child = `${ptr}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (onPath.has(child)) visit(child, keyAt);
        else skipValue();
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let n = 0; ; n++) {
        ws();
        const child = `${ptr}/${n}`;
        if (onPath.has(child)) visit(child, i);
        else skipValue();
        ws();
        if (text[i] === ',') i++;
        else return void i++;
      }
    } else skipValue();
  };
  ws();
  visit('', i);
  const out = new Map<string, number>();
  for (const p of pointers) {
    let q = p;
    while (!found.has(q) && q !== '') q = q.slice(0, q.lastIndexOf('/'));
    out.set(p, found.get(q) ?? 0);
  }
  return out;
}
