import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkPack, packOf } from './pack-limits.js';

/** Packs built by hand (the format of git's pack-format.txt); the real remote is in test/security/fetch.test.ts. */
function header(type: number, size: number): Buffer {
  const out = [((type & 7) << 4) | (size & 15) | (size > 15 ? 0x80 : 0)];
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    out.push((rest & 0x7f) | (rest > 0x7f ? 0x80 : 0));
    rest = Math.floor(rest / 128);
  }
  return Buffer.from(out);
}
const varint = (n: number) => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return Buffer.from(out);
};
function pack(objects: Buffer[]): Buffer {
  const head = Buffer.alloc(12);
  head.write('PACK', 0, 'latin1');
  head.writeUInt32BE(2, 4);
  head.writeUInt32BE(objects.length, 8);
  return Buffer.concat([head, ...objects, Buffer.alloc(20)]);
}
const blob = (content: Buffer, declared = content.length) => Buffer.concat([header(3, declared), deflateSync(content)]);
const limits = { responseBytes: 1 << 30, objectBytes: 1 << 20, totalBytes: 2 << 20 };
const code = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return 'ok';
};

describe('checkPack', () => {
  it('lets small objects through, and refuses a large blob by its header before inflating it', () => {
    expect(code(() => checkPack(pack([blob(Buffer.from('name: x\n')), blob(Buffer.alloc(1000))]), limits))).toBe('ok');
    // Declared 400 MB: refused on the header alone (nothing of it is inflated).
    expect(code(() => checkPack(pack([Buffer.concat([header(3, 400 * 2 ** 20), deflateSync(Buffer.alloc(10))])]), limits))).toBe('E_FETCH_TOO_LARGE');
  });
  it('catches a header that lies about the size, a delta that builds too much, and a sum too large', () => {
    expect(code(() => checkPack(pack([blob(Buffer.alloc(4000), 10)]), limits))).toBe('E_FETCH_TOO_LARGE');
    const delta = Buffer.concat([varint(10), varint(50 * 2 ** 20), Buffer.from([0x01, 0x41])]);
    const ofsDelta = Buffer.concat([header(6, delta.length), Buffer.from([0x05]), deflateSync(delta)]);
    expect(code(() => checkPack(pack([blob(Buffer.alloc(10)), ofsDelta]), limits))).toBe('E_FETCH_TOO_LARGE');
    expect(code(() => checkPack(pack([blob(Buffer.alloc(900_000)), blob(Buffer.alloc(900_000)), blob(Buffer.alloc(900_000))]), limits))).toBe('E_FETCH_TOO_LARGE');
  });
  it('finds the pack in side-band pkt-lines and after a bare NAK', () => {
    const p = pack([blob(Buffer.from('x'))]);
    const pkt = (band: number, data: Buffer) => Buffer.concat([Buffer.from((data.length + 5).toString(16).padStart(4, '0'), 'latin1'), Buffer.from([band]), data]);
    const sideBand = Buffer.concat([Buffer.from('0008NAK\n'), pkt(2, Buffer.from('Counting objects\n')), pkt(1, p.subarray(0, 10)), pkt(1, p.subarray(10)), Buffer.from('0000')]);
    expect(packOf(sideBand)).toEqual(p);
    expect(packOf(Buffer.concat([Buffer.from('0008NAK\n'), p]))).toEqual(p);
  });
});
