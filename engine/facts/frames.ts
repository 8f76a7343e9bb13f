import { createHash } from 'node:crypto';
import { FactsUnreadable } from '../errors/index.js';

/**
 * The gather script's output (engine/facts/README.md, "The wire format"), split into records. Three framings:
 * JSON lines; a JSON line with `len` followed by exactly that many raw bytes and a newline (tool output); and last,
 * the end record, which may name bundled files whose bytes run from there to the end of the output (so no byte of a
 * file is ever read as a record, whatever it holds). Pure.
 */
export type Rec = Record<string, unknown> & { t: string; raw?: Buffer };

export interface Frames {
  records: Rec[];
  malformed: number;
  /** The bytes after an end record that names bundled files. */
  bundle?: Buffer;
}

/**
 * Bounds on what any gather prints, far above a real host's (a few hundred records, tens of thousands of package
 * lines), so that parsing what a hostile host sends costs memory in proportion to these, not to its bytes: every
 * record and every line becomes an object, and 64 MiB of tiny ones would be millions.
 */
export const LIMITS = { records: 100_000, recordBytes: 2 ** 20, frameLines: 250_000, bundled: 10_000 };

export function readFrames(output: string | Buffer, host: string): Frames {
  const out = typeof output === 'string' ? Buffer.from(output, 'utf8') : output;
  const records: Rec[] = [];
  let malformed = 0;
  let pos = 0;
  while (pos < out.length) {
    let nl = out.indexOf(0x0a, pos);
    if (nl < 0) nl = out.length;
    if (nl - pos > LIMITS.recordBytes) throw new FactsUnreadable(host, `a record longer than ${LIMITS.recordBytes} bytes`);
    if (records.length + malformed >= LIMITS.records) throw new FactsUnreadable(host, `more than ${LIMITS.records} records`);
    const line = out.toString('utf8', pos, nl);
    pos = nl + 1;
    if (!line.trim()) continue;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      malformed++;
      continue;
    }
    if (!r || typeof r !== 'object' || typeof (r as Rec).t !== 'string') {
      malformed++;
      continue;
    }
    const rec = r as Rec;
    if (rec.t === 'end') {
      records.push(rec);
      return { records, malformed, ...(rec.bundle !== undefined ? { bundle: out.subarray(Math.min(pos, out.length)) } : {}) };
    }
    if ('len' in rec) {
      const len = rec.len;
      if (typeof len !== 'number' || !Number.isInteger(len) || len < 0 || pos + len >= out.length || out[pos + len] !== 0x0a) {
        // Nothing after a broken frame can be trusted to be a record.
        throw new FactsUnreadable(host, `a '${rec.t}' block does not match its length`);
      }
      rec.raw = out.subarray(pos, pos + len);
      if (lineCount(rec.raw) > LIMITS.frameLines) throw new FactsUnreadable(host, `a '${rec.t}' block of more than ${LIMITS.frameLines} lines`);
      pos += len + 1;
    }
    records.push(rec);
  }
  return { records, malformed };
}

export interface Unbundled {
  contents: Map<string, string>;
  /** Bundled files whose bytes could not be trusted, with why. */
  failed: Map<string, string>;
}

/**
 * Cuts the bundle into files by the sizes stat gave, each checked against the sha256 that sha256sum gave: a file that
 * changed between the two, or vanished before cat read it, is reported instead of being read wrong. A matching sha256
 * vouches for a file wherever it sits; without one (no sha256sum on the host) only a total length that agrees does.
 * Files the output stops short of are reported as such.
 */
export function unbundle(bundle: Buffer, files: unknown, sums: Map<string, string>): Unbundled {
  const contents = new Map<string, string>();
  const failed = new Map<string, string>();
  if (Array.isArray(files) && files.length > LIMITS.bundled) return { contents, failed: new Map([['*', `more than ${LIMITS.bundled} bundled files`]]) };
  const list = Array.isArray(files) ? files.filter((f): f is [string, number] => Array.isArray(f) && typeof f[0] === 'string' && Number.isInteger(f[1]) && f[1] >= 0) : [];
  const lengthsAgree = list.reduce((s, [, n]) => s + n, 0) === bundle.length;
  let off = 0;
  for (const [path, size] of list) {
    const bytes = bundle.subarray(off, off + size);
    off += size;
    const sum = sums.get(path);
    const ok = sum === undefined ? lengthsAgree : bytes.length === size && createHash('sha256').update(bytes).digest('hex') === sum;
    if (ok) contents.set(path, bytes.toString('utf8'));
    else failed.set(path, 'changed while being read, or the output was cut short');
  }
  return { contents, failed };
}

function lineCount(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(0x0a); i >= 0 && n <= LIMITS.frameLines; i = b.indexOf(0x0a, i + 1)) n++;
  return n;
}
