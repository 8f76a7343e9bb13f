import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AdvisoryFetchFailed } from '../errors/advisories.js';
import { MirrorUnreachable, MirrorUntrusted } from '../errors/vulns.js';
import type { Mirror } from '../prioritize/policy.js';
import { fetchConditional } from './http.js';
import { indexBinaries, parsePackages, parseRelease, type MirrorBinary, type MirrorPackages } from './mirror-index.js';

/**
 * Reads an internal mirror's indexes the way apt does, once for the whole fleet: InRelease, verified with gpgv
 * against the keyring the policy names (a key under change control, like everything else in the repository);
 * then each Packages index, accepted only when its size and sha256 are the ones the signed Release lists.
 * A mirror that fails any check is refused whole: a report must never say "fixed on the mirror" on an
 * attacker's word (SP 800-40 2.8).
 */

export interface MirrorReadOptions {
  /** The keyring's bytes, by repository-relative path (from the working tree or the commit being judged). */
  keyring(path: string): Promise<Uint8Array | null>;
  now: Date;
  timeoutMs?: number;
  /** Largest index file accepted, compressed (default 256 MiB). */
  maxBytes?: number;
}

const DEFAULT_MAX = 256 * 1024 * 1024;

export async function readMirror(mirror: Mirror, opts: MirrorReadOptions): Promise<MirrorPackages> {
  const key = await opts.keyring(mirror.keyring);
  if (!key) throw new MirrorUntrusted(mirror.url, `the keyring ${mirror.keyring} named by policy.mirrors does not exist`, 'commit the mirror\'s public signing key (a binary keyring, as gpgv reads it) at that path');
  const dir = mkdtempSync(join(tmpdir(), 'plumb-mirror-'));
  try {
    const keyring = join(dir, 'keyring.gpg');
    writeFileSync(keyring, key);
    const suites = await Promise.all(mirror.suites.map((suite) => readSuite(mirror, suite, keyring, opts)));
    return indexBinaries(
      mirror,
      suites.map((s) => ({ suite: s.suite, ...(s.date ? { date: s.date } : {}), packages: s.binaries.length })),
      suites.flatMap((s) => s.binaries),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readSuite(mirror: Mirror, suite: string, keyring: string, opts: MirrorReadOptions): Promise<{ suite: string; date?: string; binaries: MirrorBinary[] }> {
  const base = `${mirror.url}dists/${suite}/`;
  const signed = await get(`${base}InRelease`, opts, 16 * 1024 * 1024);
  const text = await verifyClearsigned(`${base}InRelease`, signed, keyring);
  const release = parseRelease(text);
  if (release.fields.Suite !== suite && release.fields.Codename !== suite) {
    throw new MirrorUntrusted(`${base}InRelease`, `it is signed for suite '${release.fields.Suite ?? '?'}' (codename '${release.fields.Codename ?? '?'}'), not '${suite}'`);
  }
  const validUntil = release.fields['Valid-Until'];
  if (validUntil && Date.parse(validUntil) < opts.now.getTime()) throw new MirrorUntrusted(`${base}InRelease`, `it expired on ${validUntil} (Valid-Until)`, 'the mirror has stopped syncing; a stale index would hide newer fixes');
  const binaries: MirrorBinary[] = [];
  for (const component of mirror.components) {
    for (const arch of mirror.architectures) {
      const gz = `${component}/binary-${arch}/Packages.gz`;
      const plain = `${component}/binary-${arch}/Packages`;
      const name = release.sha256.has(gz) ? gz : release.sha256.has(plain) ? plain : null;
      if (!name) throw new MirrorUnreachable(`${base}${gz}`, `the signed Release lists no Packages or Packages.gz for ${component}/${arch}`);
      const want = release.sha256.get(name)!;
      const bytes = await get(`${base}${name}`, opts, opts.maxBytes ?? DEFAULT_MAX);
      const hash = createHash('sha256').update(bytes).digest('hex');
      if (bytes.length !== want.size || hash !== want.hash) {
        throw new MirrorUntrusted(`${base}${name}`, `its sha256 ${hash.slice(0, 16)}… (${bytes.length} bytes) is not the signed ${want.hash.slice(0, 16)}… (${want.size} bytes)`);
      }
      let body: Buffer;
      try {
        body = name === gz ? gunzipSync(bytes, { maxOutputLength: 2 * 1024 * 1024 * 1024 - 1 }) : Buffer.from(bytes);
      } catch (e) {
        throw new MirrorUntrusted(`${base}${name}`, `it does not decompress: ${(e as Error).message}`);
      }
      binaries.push(...parsePackages(body.toString('utf8'), suite));
    }
  }
  return { suite, ...(release.fields.Date ? { date: release.fields.Date } : {}), binaries };
}

async function get(url: string, opts: MirrorReadOptions, maxBytes: number): Promise<Uint8Array> {
  try {
    const r = await fetchConditional(url, undefined, { maxBytes, timeoutMs: opts.timeoutMs ?? 60_000, now: opts.now.toISOString() });
    if (r.status !== 'modified') throw new MirrorUnreachable(url, 'the server sent no body');
    return r.bytes;
  } catch (e) {
    if (e instanceof AdvisoryFetchFailed) throw new MirrorUnreachable(url, String(e.data?.reason ?? e.message), e);
    throw e;
  }
}

/** The clear-signed content of an InRelease, as gpgv verified it against the keyring; only that content is trusted. */
export function verifyClearsigned(url: string, signed: Uint8Array, keyring: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('gpgv', ['--keyring', keyring, '--output', '-', '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new MirrorUntrusted(url, 'gpgv is not installed, so its signature cannot be checked', 'install gpgv (apt-get install gpgv)') : e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const why = Buffer.concat(err).toString('utf8').split('\n').filter((l) => l && !/^gpgv:\s+(using|Signature made)/.test(l)).map((l) => l.replace(/^gpgv:\s*/, '')).slice(0, 2).join('; ');
      reject(new MirrorUntrusted(url, `its signature does not verify against the policy's keyring${why ? ` (${why})` : ''}`));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(Buffer.from(signed));
  });
}
