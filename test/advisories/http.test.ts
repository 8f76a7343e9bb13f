import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_CACHE_FILE } from '../../engine/advisories/http.js';
import { importAdvisories } from '../../engine/advisories/import.js';

/**
 * Conditional import against a real HTTP server on 127.0.0.1: it answers 304 when the validators plumb sends
 * match, like a feed server does, and records every request so the test sees the headers really sent.
 */

interface Feed {
  body: Buffer;
  etag?: string;
  lastModified?: string;
  status?: number;
  gzip?: boolean;
  chunked?: boolean;
}

let server: Server;
let base: string;
const feeds = new Map<string, Feed>();
const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ path: req.url!, headers: req.headers });
    const feed = feeds.get(req.url!);
    if (!feed) return void res.writeHead(404).end('not found');
    if (feed.status) return void res.writeHead(feed.status).end('boom');
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const fresh = inm !== undefined ? inm === feed.etag : ims !== undefined && feed.lastModified !== undefined && Date.parse(ims) >= Date.parse(feed.lastModified);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (feed.etag) headers.etag = feed.etag;
    if (feed.lastModified) headers['last-modified'] = feed.lastModified;
    if (fresh) return void res.writeHead(304, headers).end();
    let body = feed.body;
    if (feed.gzip) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    if (!feed.chunked) headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'plumb-http-'));
  requests.length = 0;
  feeds.clear();
  return () => rmSync(root, { recursive: true, force: true });
});

const record = (modified: string, fixed: string) =>
  Buffer.from(JSON.stringify({ id: 'DSA-7000-1', modified, aliases: ['CVE-2024-7000'], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }] }));

describe('plumb advisories import URL', () => {
  it('ETag: the second run sends If-None-Match, gets 304 and does nothing; a changed feed is fetched and reported', async () => {
    feeds.set('/dsa.json', { body: record('2024-05-01T00:00:00Z', '3.0.11-1~deb12u2'), etag: '"v1"', lastModified: 'Wed, 01 May 2024 00:00:00 GMT' });
    const first = await importAdvisories(root, `${base}/dsa.json`);
    expect(first.inputs).toEqual([{ location: `${base}/dsa.json`, fetch: 'modified', format: 'osv', records: 1, advisories: 1 }]);
    expect(first.new.map((n) => n.id)).toEqual(['DSA-7000-1']);
    expect(requests[0]!.headers['if-none-match']).toBeUndefined();
    const cache = JSON.parse(readFileSync(join(root, HTTP_CACHE_FILE), 'utf8')) as { entries: Record<string, { etag: string; lastModified: string }> };
    expect(cache.entries[`${base}/dsa.json`]).toMatchObject({ etag: '"v1"', lastModified: 'Wed, 01 May 2024 00:00:00 GMT' });

    const second = await importAdvisories(root, `${base}/dsa.json`);
    expect(requests[1]!.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Wed, 01 May 2024 00:00:00 GMT' });
    expect(second.inputs).toEqual([{ location: `${base}/dsa.json`, fetch: 'not-modified', records: 0, advisories: 0 }]);
    expect([second.new.length, second.updated.length, second.unchanged]).toEqual([0, 0, 0]);

    feeds.set('/dsa.json', { body: record('2024-05-09T00:00:00Z', '3.0.11-1~deb12u3'), etag: '"v2"' });
    const third = await importAdvisories(root, `${base}/dsa.json`);
    expect(requests[2]!.headers['if-none-match']).toBe('"v1"');
    expect(third.updated).toMatchObject([{ id: 'DSA-7000-1', changes: ['fixed debian 12 openssl (source) 3.0.11-1~deb12u2 → 3.0.11-1~deb12u3'] }]);
    await importAdvisories(root, `${base}/dsa.json`);
    expect(requests[3]!.headers['if-none-match']).toBe('"v2"');
  });

  it('Last-Modified alone: If-Modified-Since; --refresh sends no validators', async () => {
    feeds.set('/lm.json', { body: record('2024-05-01T00:00:00Z', '1.0-1'), lastModified: 'Wed, 01 May 2024 00:00:00 GMT' });
    await importAdvisories(root, `${base}/lm.json`);
    const again = await importAdvisories(root, `${base}/lm.json`);
    expect(requests[1]!.headers['if-modified-since']).toBe('Wed, 01 May 2024 00:00:00 GMT');
    expect(requests[1]!.headers['if-none-match']).toBeUndefined();
    expect(again.inputs[0]!.fetch).toBe('not-modified');
    const refreshed = await importAdvisories(root, `${base}/lm.json`, { refresh: true });
    expect(requests[2]!.headers['if-modified-since']).toBeUndefined();
    expect(refreshed.unchanged).toBe(1);
  });

  it('a body that cannot be read is not remembered: the next run fetches it again', async () => {
    feeds.set('/broken.json', { body: Buffer.from('{"id": "DSA-1",'), etag: '"b1"' });
    const r = await importAdvisories(root, `${base}/broken.json`);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'json', file: `${base}/broken.json`, line: 1 })]);
    await importAdvisories(root, `${base}/broken.json`);
    expect(requests[1]!.headers['if-none-match']).toBeUndefined();
  });

  it('gzip transfer encoding and chunked bodies are read; the size bound holds without Content-Length', async () => {
    feeds.set('/gz.json', { body: record('2024-05-01T00:00:00Z', '1.0-1'), gzip: true, chunked: true });
    expect((await importAdvisories(root, `${base}/gz.json`)).new).toHaveLength(1);
    feeds.set('/big.json', { body: Buffer.alloc(5000, 0x20), chunked: true });
    await expect(importAdvisories(root, `${base}/big.json`, { maxBytes: 1000 })).rejects.toMatchObject({ code: 'E_ADVISORY_FETCH' });
  });

  it('HTTP errors and unreachable servers are E_ADVISORY_FETCH, with the status', async () => {
    feeds.set('/500.json', { body: Buffer.from(''), status: 500 });
    await expect(importAdvisories(root, `${base}/500.json`)).rejects.toMatchObject({ code: 'E_ADVISORY_FETCH', data: { status: 500 } });
    await expect(importAdvisories(root, `${base}/missing.json`)).rejects.toMatchObject({ code: 'E_ADVISORY_FETCH', data: { status: 404 } });
    // Port 9 on loopback: nothing listens there.
    await expect(importAdvisories(root, 'http://127.0.0.1:9/feed.json', { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'E_ADVISORY_FETCH' });
  });
});
