import * as fs from 'node:fs';
import * as path from 'node:path';
import { AdvisoryFetchFailed } from '../errors/advisories.js';
import { plumbDir } from '../model/state-dir.js';

/**
 * Conditional HTTP(S) GET for advisory feeds: a scheduled import sends the ETag and Last-Modified it saw last
 * time (If-None-Match, If-Modified-Since), and a 304 costs neither bandwidth nor work. The validators live in
 * .plumb/cache/http.json under the repository root (git-ignored: they describe this machine's last fetch, not
 * the desired state).
 */

export const HTTP_CACHE_FILE = '.plumb/cache/http.json';

export interface HttpValidators {
  etag?: string;
  lastModified?: string;
  /** When the body these validators describe was fetched (ISO 8601). */
  fetched: string;
}

export interface HttpCache {
  version: 1;
  entries: Record<string, HttpValidators>;
}

export type FetchResult =
  | { status: 'modified'; bytes: Uint8Array; validators: HttpValidators; lastModified?: string }
  | { status: 'not-modified'; validators: HttpValidators };

export interface FetchOptions {
  maxBytes: number;
  timeoutMs?: number;
  /** Ignore cached validators: fetch the whole body. */
  refresh?: boolean;
  now: string;
}

export function readHttpCache(root: string): HttpCache {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(root, HTTP_CACHE_FILE), 'utf8')) as HttpCache;
    if (v && v.version === 1 && typeof v.entries === 'object' && v.entries) return v;
  } catch {
    /* missing or damaged: a cache is only an optimisation, start empty */
  }
  return { version: 1, entries: {} };
}

export function writeHttpCache(root: string, cache: HttpCache): void {
  const file = path.join(root, HTTP_CACHE_FILE);
  plumbDir(root, 'cache');
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(cache, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

export async function fetchConditional(url: string, cached: HttpValidators | undefined, opts: FetchOptions): Promise<FetchResult> {
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'plumb (advisories import)' };
  if (cached && !opts.refresh) {
    if (cached.etag) headers['if-none-match'] = cached.etag;
    if (cached.lastModified) headers['if-modified-since'] = cached.lastModified;
  }
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(opts.timeoutMs ?? 120_000) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const reason = err.name === 'TimeoutError' ? `no answer within ${(opts.timeoutMs ?? 120_000) / 1000} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    throw new AdvisoryFetchFailed(url, reason, { cause: e });
  }
  if (res.status === 304 && cached) {
    await res.body?.cancel();
    return { status: 'not-modified', validators: cached };
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new AdvisoryFetchFailed(url, `HTTP ${res.status} ${res.statusText}`.trim(), { status: res.status });
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > opts.maxBytes) {
    await res.body?.cancel();
    throw new AdvisoryFetchFailed(url, `the body is ${declared} bytes; the limit is ${opts.maxBytes}`, { hint: 'raise --max-bytes if this feed is really that large' });
  }
  const bytes = await readBounded(url, res, opts.maxBytes);
  const etag = res.headers.get('etag') ?? undefined;
  const lastModified = res.headers.get('last-modified') ?? undefined;
  return {
    status: 'modified',
    bytes,
    validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}), fetched: opts.now },
    ...(lastModified ? { lastModified } : {}),
  };
}

/** The body, refusing to buffer more than maxBytes (a server may lie about or omit Content-Length). */
async function readBounded(url: string, res: Response, maxBytes: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new AdvisoryFetchFailed(url, `the body exceeds the limit of ${maxBytes} bytes`, { hint: 'raise --max-bytes if this feed is really that large' });
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof AdvisoryFetchFailed) throw e;
    throw new AdvisoryFetchFailed(url, `the connection broke while reading the body: ${(e as Error).message}`, { cause: e });
  }
  return Buffer.concat(chunks);
}
