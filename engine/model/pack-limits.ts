import { inflateSync } from 'node:zlib';
import type { HttpClient } from 'isomorphic-git';
import { PlumbError } from '../errors/index.js';

/**
 * Limits on what a git remote may make plumb inflate. A pack is small on the wire and large in memory: a 2 MB pack can
 * hold a 400 MB blob of zeros, and isomorphic-git inflates every object to index the pack. So the upload-pack
 * response is read whole first (at most `responseBytes`), and every object header is checked before anything else
 * touches the pack: a plain object by the size its header declares, a delta by the result size in its first bytes
 * (only those are inflated); each inflation is capped at the size declared, so a header that lies is caught too.
 */
export interface FetchLimits {
  /** The compressed response. */
  responseBytes: number;
  /** One object, inflated. */
  objectBytes: number;
  /** All objects of the pack, inflated. */
  totalBytes: number;
}

export function fetchLimits(): FetchLimits {
  const env = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return Number.isInteger(v) && v > 0 ? v : fallback;
  };
  return { responseBytes: env('PLUMB_FETCH_MAX_BYTES', 256 * 2 ** 20), objectBytes: env('PLUMB_FETCH_MAX_OBJECT_BYTES', 64 * 2 ** 20), totalBytes: env('PLUMB_FETCH_MAX_TOTAL_BYTES', 512 * 2 ** 20) };
}

export class FetchTooLarge extends PlumbError {
  constructor(what: string) {
    super('E_FETCH_TOO_LARGE', `the remote's pack was refused before it was unpacked: ${what}`, {
      hint: 'a desired-state repository holds YAML and a few artifacts; look at what was pushed. The limits are PLUMB_FETCH_MAX_OBJECT_BYTES, PLUMB_FETCH_MAX_TOTAL_BYTES and PLUMB_FETCH_MAX_BYTES',
    });
  }
}


/** isomorphic-git's HTTP client with every upload-pack response read whole and its pack checked before git sees it. */
export function boundedHttp(base: HttpClient, limits: FetchLimits = fetchLimits()): HttpClient {
  return {
    async request(req) {
      const res = await base.request(req);
      if (!res.body || req.method !== 'POST' || !/\/git-upload-pack$/.test(new URL(req.url).pathname)) return res;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body) {
        size += c.length;
        if (size > limits.responseBytes) throw new FetchTooLarge(`the response is larger than ${limits.responseBytes} bytes`);
        chunks.push(Buffer.from(c));
      }
      const body = Buffer.concat(chunks);
      const pack = packOf(body);
      if (pack) checkPack(pack, limits);
      return { ...res, body: once(body) };
    },
  };
}

function once(b: Buffer): AsyncIterableIterator<Uint8Array> {
  let done = false;
  const it: AsyncIterableIterator<Uint8Array> = {
    next: async () => (done ? { done: true, value: undefined } : ((done = true), { done: false, value: b })),
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/** The pack inside an upload-pack response: side-band channel 1 of its pkt-lines, or the raw bytes after NAK. */
export function packOf(buf: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const head = buf.toString('latin1', pos, pos + 4);
    if (head === 'PACK') return buf.subarray(pos);
    if (!/^[0-9a-f]{4}$/.test(head)) return null;
    const len = parseInt(head, 16);
    if (len === 0 || len === 1 || len === 2) {
      pos += 4;
      continue;
    }
    if (len < 4 || pos + len > buf.length) return null;
    const data = buf.subarray(pos + 4, pos + len);
    if (data[0] === 1) parts.push(data.subarray(1));
    pos += len;
  }
  return parts.length ? Buffer.concat(parts) : null;
}

/** Checks every object of a pack against the limits; throws FetchTooLarge for the first one over. */
export function checkPack(pack: Buffer, limits: FetchLimits): void {
  if (pack.length < 12 || pack.toString('latin1', 0, 4) !== 'PACK') return;
  const count = pack.readUInt32BE(8);
  let pos = 12;
  let total = 0;
  const byte = () => {
    if (pos >= pack.length) throw new FetchTooLarge('the pack ends inside an object header');
    return pack[pos++]!;
  };
  for (let i = 0; i < count && pos < pack.length - 20; i++) {
    let c = byte();
    const type = (c >> 4) & 7;
    let size = c & 15;
    let mul = 16;
    while (c & 0x80) {
      c = byte();
      size += (c & 0x7f) * mul;
      mul *= 128;
    }
    if (type === 6) {
      do c = byte();
      while (c & 0x80);
    } else if (type === 7) pos += 20;
    if (size > limits.objectBytes) throw new FetchTooLarge(`object ${i + 1} of ${count} is ${size} bytes inflated (the limit is ${limits.objectBytes})`);
    let inflated: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      inflated = inflateSync(pack.subarray(pos), { info: true, maxOutputLength: Math.max(1, size) }) as unknown as typeof inflated;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new FetchTooLarge(`object ${i + 1} of ${count} inflates to more than its header says (${size} bytes)`);
      throw new FetchTooLarge(`object ${i + 1} of ${count} does not inflate`);
    }
    pos += inflated.engine.bytesWritten;
    // A delta's own size says nothing of what it builds: the result size leads its instructions.
    let result = size;
    if (type === 6 || type === 7) {
      const d = inflated.buffer;
      let p = 0;
      const varint = () => {
        let v = 0;
        let m = 1;
        let b: number;
        do {
          b = d[p++] ?? 0;
          v += (b & 0x7f) * m;
          m *= 128;
        } while (b & 0x80 && p < d.length);
        return v;
      };
      varint();
      result = varint();
      if (result > limits.objectBytes) throw new FetchTooLarge(`object ${i + 1} of ${count} (a delta) builds ${result} bytes (the limit is ${limits.objectBytes})`);
    }
    total += result;
    if (total > limits.totalBytes) throw new FetchTooLarge(`the pack's objects add up to more than ${limits.totalBytes} bytes inflated`);
  }
}
