import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMirror } from '../../engine/advisories/mirror-fetch.js';
import { createSigningKey, exportPublicKey, stopAgent, writeSignedIndexes } from '../../engine/lab/mirror/repository.js';
import { resolvePolicy, type Mirror } from '../../engine/prioritize/policy.js';

/**
 * Reading an internal mirror as `plumb vulns` does, against a real signed apt repository: .debs built by dpkg-deb,
 * indexed by apt-ftparchive, signed by gpg, served over HTTP on 127.0.0.1, verified by the real gpgv. Every way the
 * index can be untrustworthy must be refused, with its own code.
 */
const tools = ['dpkg-deb', 'apt-ftparchive', 'gpg', 'gpgv'].filter((t) => {
  try {
    execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});

describe.skipIf(tools.length)(`reading a signed mirror${tools.length ? ` [skipped: ${tools.join(', ')} not installed]` : ''}`, () => {
  let dir: string;
  let server: Server;
  let url: string;
  const keyrings: Record<string, Uint8Array> = {};
  const mirror = (over: Partial<Mirror> = {}): Mirror => ({ ...resolvePolicy({ mirrors: [{ url, suites: ['plumb-test'], platform: { os: 'debian' }, keyring: 'keys/good.gpg' }] }).mirrors[0]!, ...over });
  const read = (m: Mirror, now = new Date()) => readMirror(m, { keyring: async (p) => keyrings[p] ?? null, now, timeoutMs: 5000 });
  const gpg = (home: string, ...args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);

  function deb(root: string, name: string, version: string, source?: string) {
    const pkg = join(dir, 'build', `${name}-${version}`);
    mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
    writeFileSync(join(pkg, 'DEBIAN/control'), `Package: ${name}\nVersion: ${version}\nArchitecture: amd64\nMaintainer: Plumbline tests <tests@plumbline.invalid>\n${source ? `Source: ${source}\n` : ''}Description: test package\n`);
    execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', pkg, join(root, 'pool/main', `${name}_${version.replace(':', '%3a')}_amd64.deb`)], { stdio: 'ignore' });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumb-mirror-'));
    const root = join(dir, 'repo');
    mkdirSync(join(root, 'pool/main'), { recursive: true });
    deb(root, 'libfoo1', '2.1-3+b1', 'foo (2.1-3)');
    deb(root, 'libfoo1', '2.1-2', 'foo');
    deb(root, 'foo', '2.1-3');
    const home = join(dir, 'gnupg');
    const fpr = await createSigningKey(home);
    await exportPublicKey(home, fpr, join(dir, 'good.gpg'));
    await writeSignedIndexes({ root, codename: 'plumb-test', arch: 'amd64', description: 'test' }, home, fpr);
    // A second suite, signed by the same key, whose Release expired a day ago.
    const stale = join(root, 'dists/plumb-stale');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'Release'), `Suite: plumb-stale\nCodename: plumb-stale\nValid-Until: ${new Date(Date.now() - 86400_000).toUTCString()}\nSHA256:\n`);
    gpg(home, '--yes', '--local-user', fpr, '--clearsign', '--output', join(stale, 'InRelease'), join(stale, 'Release'));
    // A suite whose InRelease is another suite's, replayed: validly signed, but not for this suite.
    mkdirSync(join(root, 'dists/plumb-replay'), { recursive: true });
    copyFileSync(join(root, 'dists/plumb-test/InRelease'), join(root, 'dists/plumb-replay/InRelease'));
    // A suite served without a signature.
    mkdirSync(join(root, 'dists/plumb-unsigned'), { recursive: true });
    copyFileSync(join(root, 'dists/plumb-test/Release'), join(root, 'dists/plumb-unsigned/InRelease'));
    await stopAgent(home);
    // Another key, which signed nothing here.
    const other = join(dir, 'gnupg-other');
    await exportPublicKey(other, await createSigningKey(other), join(dir, 'other.gpg'));
    await stopAgent(other);
    keyrings['keys/good.gpg'] = readFileSync(join(dir, 'good.gpg'));
    keyrings['keys/other.gpg'] = readFileSync(join(dir, 'other.gpg'));

    server = createServer((req, res) => {
      const file = join(root, decodeURIComponent((req.url ?? '/').split('?')[0]!));
      if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads every binary of a signed suite, with its source version', async () => {
    const m = await read(mirror());
    expect(m.suites).toEqual([expect.objectContaining({ suite: 'plumb-test', packages: 3 })]);
    expect(m.bySource.get('foo')!.map((b) => [b.package, b.version, b.sourceVersion]).sort()).toEqual([
      ['foo', '2.1-3', '2.1-3'],
      ['libfoo1', '2.1-2', '2.1-2'],
      ['libfoo1', '2.1-3+b1', '2.1-3'],
    ]);
  });

  it('refuses an index whose bytes differ from what the signed Release lists', async () => {
    const gz = join(dir, 'repo/dists/plumb-test/main/binary-amd64/Packages.gz');
    const good = readFileSync(gz);
    try {
      appendFileSync(gz, Buffer.from([0]));
      await expect(read(mirror())).rejects.toMatchObject({ code: 'E_MIRROR_UNTRUSTED', message: expect.stringContaining('sha256') });
    } finally {
      writeFileSync(gz, good);
    }
  });

  it('refuses a Release signed by another key, unsigned, replayed from another suite, or expired', async () => {
    await expect(read(mirror({ keyring: 'keys/other.gpg' }))).rejects.toMatchObject({ code: 'E_MIRROR_UNTRUSTED', message: expect.stringContaining('signature') });
    await expect(read(mirror({ suites: ['plumb-unsigned'] }))).rejects.toMatchObject({ code: 'E_MIRROR_UNTRUSTED' });
    await expect(read(mirror({ suites: ['plumb-replay'] }))).rejects.toMatchObject({ code: 'E_MIRROR_UNTRUSTED', message: expect.stringContaining("not 'plumb-replay'") });
    await expect(read(mirror({ suites: ['plumb-stale'] }))).rejects.toMatchObject({ code: 'E_MIRROR_UNTRUSTED', message: expect.stringContaining('Valid-Until') });
    await expect(read(mirror({ keyring: 'keys/missing.gpg' }))).rejects.toMatchObject({ code: 'E_MIRROR_UNTRUSTED', message: expect.stringContaining('does not exist') });
  });

  it('reports a mirror it cannot reach or a suite it does not have as E_MIRROR_FETCH', async () => {
    await expect(read(mirror({ suites: ['no-such-suite'] }))).rejects.toMatchObject({ code: 'E_MIRROR_FETCH', message: expect.stringContaining('404') });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(read(mirror({ url: `http://127.0.0.1:${port}/` }))).rejects.toMatchObject({ code: 'E_MIRROR_FETCH' });
  });
});
