import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { LedgerCorrupt } from '../errors/index.js';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface GitObject {
  type: ObjectType;
  data: Buffer;
}

const TYPES: Record<number, ObjectType> = { 1: 'commit', 2: 'tree', 3: 'blob', 4: 'tag' };
const OFS_DELTA = 6;
const REF_DELTA = 7;

interface Pack {
  path: string;
  fd: number | null;
  size: number;
  idx: Buffer;
  count: number;
  /** Every object's offset, ascending: an entry ends where the next one starts. */
  sorted?: Float64Array;
}

/**
 * Reads git objects for the ledger: loose objects and packs (index v2), with node's native zlib and a cache of
 * delta bases. isomorphic-git inflates packs with a JavaScript zlib and loads whole pack files into memory, which
 * made a cold read of a packed ledger (a fresh clone, after `git gc`) ten times slower than git. Every object read
 * is checked against its id. Read-only: writing stays with isomorphic-git.
 */
export class ObjectReader {
  private readonly dirs: string[];
  private packs: Pack[] | null = null;
  private readonly bases = new Map<string, GitObject>();
  private baseBytes = 0;

  constructor(gitdir: string) {
    this.dirs = objectDirs(join(gitdir, 'objects'));
  }

  read(oid: string): GitObject {
    const obj = this.find(oid) ?? (this.rescan() && this.find(oid));
    if (!obj) throw new LedgerCorrupt(`object ${oid} is missing from the repository`, { oid });
    const sum = createHash('sha1').update(`${obj.type} ${obj.data.length}\0`).update(obj.data).digest('hex');
    if (sum !== oid) throw new LedgerCorrupt(`object ${oid} does not hash to its id (${sum}): it was altered on disk`, { oid });
    return obj;
  }

  /** Reads an object that must be of one type (a tree where a tree belongs …). */
  expect(oid: string, type: ObjectType): Buffer {
    const o = this.read(oid);
    if (o.type !== type) throw new LedgerCorrupt(`object ${oid} is a ${o.type}, expected a ${type}`, { oid });
    return o.data;
  }

  close(): void {
    for (const p of this.packs ?? []) if (p.fd !== null) fs.closeSync(p.fd);
    this.packs = null;
  }

  private find(oid: string): GitObject | null {
    // Packs first: their lookup is in memory, while probing for a loose file that is not there costs a failed open.
    const key = Buffer.from(oid, 'hex');
    for (const p of this.loadPacks()) {
      const i = lookup(p, key);
      if (i >= 0) return this.readPacked(p, offsetOf(p, i));
    }
    for (const dir of this.dirs) {
      let raw: Buffer;
      try {
        raw = fs.readFileSync(join(dir, oid.slice(0, 2), oid.slice(2)));
      } catch {
        continue;
      }
      return parseLoose(inflateSync(raw), oid);
    }
    return null;
  }

  /** A `git gc` may have packed objects since the pack folders were listed: list them again once. */
  private rescan(): boolean {
    this.close();
    return true;
  }

  private loadPacks(): Pack[] {
    if (this.packs) return this.packs;
    this.packs = [];
    for (const dir of this.dirs) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(join(dir, 'pack')).filter((n) => n.endsWith('.idx'));
      } catch {
        continue;
      }
      for (const n of names) {
        const idx = fs.readFileSync(join(dir, 'pack', n));
        if (idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue; // index v1 predates git 1.5.2
        const path = join(dir, 'pack', n.replace(/\.idx$/, '.pack'));
        let size = 0;
        try {
          size = fs.statSync(path).size;
        } catch {
          continue;
        }
        this.packs.push({ path, fd: null, size, idx, count: idx.readUInt32BE(8 + 255 * 4) });
      }
    }
    return this.packs;
  }

  private readPacked(p: Pack, offset: number): GitObject {
    const key = `${p.path}:${offset}`;
    const cached = this.bases.get(key);
    if (cached) return cached;
    p.fd ??= fs.openSync(p.path, 'r');
    const end = nextOffset(p, offset);
    const buf = Buffer.allocUnsafe(end - offset);
    fs.readSync(p.fd, buf, 0, buf.length, offset);
    let i = 0;
    let c = buf[i++]!;
    const kind = (c >> 4) & 7;
    while (c & 0x80) c = buf[i++]!; // the inflated size, which inflate tells us anyway
    let obj: GitObject;
    if (kind === OFS_DELTA || kind === REF_DELTA) {
      let base: GitObject;
      if (kind === OFS_DELTA) {
        c = buf[i++]!;
        let back = c & 0x7f;
        while (c & 0x80) {
          c = buf[i++]!;
          back = (back + 1) * 128 + (c & 0x7f);
        }
        base = this.readPacked(p, offset - back);
      } else {
        base = this.read(buf.subarray(i, i + 20).toString('hex'));
        i += 20;
      }
      obj = { type: base.type, data: applyDelta(base.data, inflateSync(buf.subarray(i))) };
    } else {
      const type = TYPES[kind];
      if (!type) throw new LedgerCorrupt(`${p.path}: unknown object kind ${kind} at offset ${offset}`);
      obj = { type, data: inflateSync(buf.subarray(i)) };
    }
    // Delta chains share their bases: keep recent objects, within a bound, so each base is inflated once.
    if (this.baseBytes > 64 * 1024 * 1024) {
      this.bases.clear();
      this.baseBytes = 0;
    }
    this.bases.set(key, obj);
    this.baseBytes += obj.data.length;
    return obj;
  }
}

/** The object folder and those it borrows from (objects/info/alternates, as `git clone --reference` sets up). */
function objectDirs(main: string, seen = new Set<string>()): string[] {
  if (seen.has(main)) return [];
  seen.add(main);
  const out = [main];
  let alt = '';
  try {
    alt = fs.readFileSync(join(main, 'info', 'alternates'), 'utf8');
  } catch {
    return out;
  }
  for (const line of alt.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    out.push(...objectDirs(isAbsolute(line) ? line : resolve(main, line), seen));
  }
  return out;
}

function parseLoose(raw: Buffer, oid: string): GitObject {
  const nul = raw.indexOf(0);
  const [type, size] = raw.subarray(0, nul).toString().split(' ');
  if (!type || !['commit', 'tree', 'blob', 'tag'].includes(type) || Number(size) !== raw.length - nul - 1) throw new LedgerCorrupt(`loose object ${oid} has a bad header`, { oid });
  return { type: type as ObjectType, data: raw.subarray(nul + 1) };
}

/** Binary search of the index's sorted ids, within the range the fan-out table gives for the first byte. */
function lookup(p: Pack, key: Buffer): number {
  const fan = 8;
  let lo = key[0]! === 0 ? 0 : p.idx.readUInt32BE(fan + (key[0]! - 1) * 4);
  let hi = p.idx.readUInt32BE(fan + key[0]! * 4);
  const ids = fan + 256 * 4;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = key.compare(p.idx, ids + mid * 20, ids + mid * 20 + 20);
    if (cmp === 0) return mid;
    if (cmp > 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

function offsetOf(p: Pack, i: number): number {
  const base = 8 + 256 * 4 + p.count * 24; // fan-out, ids, crc32s
  const off = p.idx.readUInt32BE(base + i * 4);
  if (!(off & 0x80000000)) return off;
  const large = base + p.count * 4 + (off & 0x7fffffff) * 8;
  return Number(p.idx.readBigUInt64BE(large));
}

function nextOffset(p: Pack, offset: number): number {
  if (!p.sorted) {
    const all = new Float64Array(p.count);
    for (let i = 0; i < p.count; i++) all[i] = offsetOf(p, i);
    p.sorted = all.sort();
  }
  const s = p.sorted;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < s.length ? s[lo]! : p.size - 20; // the pack ends with its own sha1
}

function varint(d: Buffer, at: { i: number }): number {
  let n = 0;
  let shift = 0;
  let c: number;
  do {
    c = d[at.i++]!;
    n += (c & 0x7f) * 2 ** shift;
    shift += 7;
  } while (c & 0x80);
  return n;
}

/** git's delta format: the base and result sizes, then copy-from-base and insert-literal instructions. */
export function applyDelta(base: Buffer, delta: Buffer): Buffer {
  const at = { i: 0 };
  if (varint(delta, at) !== base.length) throw new LedgerCorrupt('a delta does not fit its base object');
  const out = Buffer.allocUnsafe(varint(delta, at));
  let o = 0;
  while (at.i < delta.length) {
    const op = delta[at.i++]!;
    if (op & 0x80) {
      let off = 0;
      let size = 0;
      for (let b = 0; b < 4; b++) if (op & (1 << b)) off += delta[at.i++]! * 2 ** (8 * b);
      for (let b = 0; b < 3; b++) if (op & (16 << b)) size += delta[at.i++]! * 2 ** (8 * b);
      if (size === 0) size = 0x10000;
      o += base.copy(out, o, off, off + size);
    } else if (op) {
      o += delta.copy(out, o, at.i, at.i + op);
      at.i += op;
    } else throw new LedgerCorrupt('a delta holds a reserved instruction');
  }
  if (o !== out.length) throw new LedgerCorrupt('a delta did not produce the size it announced');
  return out;
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

/** Raw tree format: `<mode> <name>\0<20-byte id>`, repeated. Tree modes are written without a leading 0 (40000). */
export function parseTree(bytes: Buffer): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  while (i < bytes.length) {
    const sp = bytes.indexOf(0x20, i);
    const nul = bytes.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > bytes.length) throw new LedgerCorrupt('a malformed tree');
    out.push({ mode: bytes.subarray(i, sp).toString(), name: bytes.subarray(sp + 1, nul).toString('utf8'), oid: bytes.subarray(nul + 1, nul + 21).toString('hex') });
    i = nul + 21;
  }
  return out;
}

export function parseCommit(bytes: Buffer): { tree: string; parents: string[]; message: string } {
  const text = bytes.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = (split < 0 ? text : text.slice(0, split)).split('\n');
  const tree = headers.find((h) => h.startsWith('tree '))?.slice(5);
  if (!tree) throw new LedgerCorrupt('a commit without a tree');
  return { tree, parents: headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice(7)), message: split < 0 ? '' : text.slice(split + 2) };
}
