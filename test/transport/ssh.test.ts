import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTransport, TransportPool } from '../../engine/transport/index.js';
import { probeHostKey } from '../../engine/transport/ssh/index.js';
import { freePort, sshdSkipReason, startSshd, type TestSshd } from './sshd.js';

const skip = sshdSkipReason();
if (skip) console.warn(`test/transport/ssh.test.ts skipped: ${skip}`);
const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e as { code?: string }).code ?? String(e));
const OTHER_KEY = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe.skipIf(skip)('ssh2 transport against a real sshd', () => {
  let sshd: TestSshd;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('accepts the pinned host key and runs commands with stdin and exit status', async () => {
    const t = await openTransport(sshd.host(), { agent: '' });
    const r = await t.exec('read x; echo "got $x"; echo oops >&2; exit 4', { stdin: 'hello\n' });
    expect(r).toMatchObject({ code: 4 });
    expect(r.stdout.toString()).toBe('got hello\n');
    expect(r.stderr.toString()).toBe('oops\n');
    expect((await t.exec('id -un')).stdout.toString().trim()).toBe('root');
    await t.close();
  });

  it('probes the presented key without authenticating', async () => {
    const before = sshd.log().split('\n').length;
    const key = await probeHostKey(sshd.host({ host_keys: [] }));
    expect(key).toEqual({ keyType: 'ssh-ed25519', fingerprint: sshd.hostKeyFingerprint });
    await new Promise((r) => setTimeout(r, 200));
    expect(sshd.log().split('\n').slice(before - 1).join('\n')).not.toMatch(/publickey|Accepted/);
  });

  it('refuses a host with no pinned key (no trust on first use)', async () => {
    expect(await codeOf(openTransport(sshd.host({ host_keys: [] }), { agent: '' }))).toBe('E_HOSTKEY_UNPINNED');
  });

  it('refuses a mismatching key, showing both, without sending credentials', async () => {
    const before = sshd.log().split('\n').length;
    const err = await openTransport(sshd.host({ host_keys: [OTHER_KEY] }), { agent: '' }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(err?.code).toBe('E_HOSTKEY_MISMATCH');
    expect(err?.message).toContain(OTHER_KEY);
    expect(err?.message).toContain(sshd.hostKeyFingerprint);
    await new Promise((r) => setTimeout(r, 200));
    const since = sshd.log().split('\n').slice(before - 1).join('\n');
    expect(since).toMatch(/Connection from 127\.0\.0\.1/);
    expect(since).not.toMatch(/publickey|Accepted|Failed/);
  });

  it('accepts any one of several pinned keys', async () => {
    const t = await openTransport(sshd.host({ host_keys: [OTHER_KEY, sshd.hostKeyFingerprint] }), { agent: '' });
    await t.close();
  });

  it('reports an unauthorized key as E_SSH_AUTH', async () => {
    const stranger = join(sshd.dir, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    expect(await codeOf(openTransport(sshd.host({ identity_file: stranger }), { agent: '' }))).toBe('E_SSH_AUTH');
  });

  it('authenticates through ssh-agent', async () => {
    const sock = join(sshd.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      execFileSync('ssh-add', ['-q', sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const t = await openTransport(sshd.host({ identity_file: undefined }), { identityFile: '', agent: sock });
      expect((await t.exec('echo via-agent')).stdout.toString()).toBe('via-agent\n');
      await t.close();
    } finally {
      agent.kill();
    }
  });

  it('stops a command at its timeout and keeps the connection usable', async () => {
    const t = await openTransport(sshd.host(), { agent: '' });
    const started = Date.now();
    expect(await codeOf(t.exec('sleep 30', { timeoutMs: 500 }))).toBe('E_COMMAND_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await t.exec('echo still-here')).stdout.toString()).toBe('still-here\n');
    await t.close();
  });

  it('reuses one connection for many commands, also concurrent ones', async () => {
    const pool = new TransportPool({ agent: '' });
    const host = sshd.host({ name: 'reuse' });
    const before = sshd.connections();
    const outputs = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.get(host).then((t) => t.exec(`echo ${i}`))));
    for (let i = 0; i < 5; i++) await (await pool.get(host)).exec('true');
    expect(outputs.map((o) => o.stdout.toString().trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    await pool.closeAll();
    expect(pool.connections).toBe(1);
    expect(sshd.connections() - before).toBe(1);
  });

  it('gathers a fleet with one connection per host and reports the unreachable one', async () => {
    const { loadRepository } = await import('../../engine/model/load.js');
    const { gatherAll } = await import('../../engine/facts/gather.js');
    const { model } = await loadRepository(fileURLToPath(new URL('../..', import.meta.url)));
    const hosts = ['a', 'b', 'c'].map((n) => sshd.host({ name: `fleet-${n}`, baseline: 'debian-12-server' }));
    const dead = { ...sshd.host({ name: 'fleet-dead' }), port: await freePort() };
    const before = sshd.connections();
    const progress: string[] = [];
    const pool = new TransportPool({ agent: '' });
    const { facts, errors } = await gatherAll([...hosts, dead], model, { pool, concurrency: 2, onProgress: (p) => progress.push(`${p.host}:${p.state}`) });
    await pool.closeAll();
    expect([...facts.keys()].sort()).toEqual(['fleet-a', 'fleet-b', 'fleet-c']);
    expect(errors.get('fleet-dead')?.code).toBe('E_SSH_CONNECT');
    expect(sshd.connections() - before).toBe(3);
    expect(progress.filter((p) => p.endsWith(':done'))).toHaveLength(3);
    expect(facts.get('fleet-a')!.settings['/etc/ssh/sshd_config']).toBeDefined();
  });

  describe.skipIf(!existsSync('/usr/bin/sudo'))('sudo for a non-root user', () => {
    const users = ['plumbsudo', 'plumbnopw'];
    beforeAll(() => {
      for (const u of users) {
        execFileSync('sh', ['-c', `id -u ${u} >/dev/null 2>&1 || useradd -m -s /bin/sh ${u}; usermod -p '*' ${u}`]);
        sshd.authorize(u);
      }
      writeFileSync('/etc/sudoers.d/plumb-test', 'plumbsudo ALL=(root) NOPASSWD: ALL\n', { mode: 0o440 });
    });
    afterAll(() => {
      rmSync('/etc/sudoers.d/plumb-test', { force: true });
      for (const u of users) execFileSync('sh', ['-c', `userdel -r ${u} >/dev/null 2>&1 || true`]);
    });

    it('runs privileged commands as root through sudo -n, stdin included', async () => {
      const t = await openTransport(sshd.host({ user: 'plumbsudo' }), { agent: '' });
      expect((await t.exec('id -un')).stdout.toString().trim()).toBe('plumbsudo');
      const r = await t.exec('read x; echo "$(id -un) $x" | cat', { privileged: true, stdin: 'ok\n' });
      expect(r.stdout.toString()).toBe('root ok\n');
      await t.close();
    });

    it('gathers facts through sudo, seeing root-only files', async () => {
      const { gatherFacts } = await import('../../engine/facts/gather.js');
      const t = await openTransport(sshd.host({ user: 'plumbsudo' }), { agent: '' });
      const f = await gatherFacts(t, { files: ['/etc/shadow'], contents: [], services: [], sysctl: [], settings: [] }, 'sudo-host');
      expect(f.files['/etc/shadow']).toMatchObject({ exists: true, owner: 'root', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(f.unknown).toEqual([]);
      await t.close();
    });

    it('says clearly when sudo wants a password', async () => {
      const t = await openTransport(sshd.host({ user: 'plumbnopw' }), { agent: '' });
      expect(await codeOf(t.exec('id -un', { privileged: true }))).toBe('E_SUDO');
      await t.close();
    });
  });
});

describe('connection failures', () => {
  const host = (port: number) => ({ name: 'nowhere', address: '127.0.0.1', port, system: 's', baseline: 'b', ring: 'r', host_keys: [OTHER_KEY], source: { file: 'f', line: 1, col: 1, pointer: '', commit: null } });
  let silent: Server;
  let silentPort = 0;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    // Accepts TCP and never speaks: what a filtering middlebox or a hung daemon looks like.
    silent = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of accepted) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('times out connecting to a black hole', async () => {
    const started = Date.now();
    const err = await openTransport(host(silentPort), { connectTimeoutMs: 700, identityFile: '', agent: '/nonexistent.sock' }).then(
      () => undefined,
      (e: Error & { code?: string }) => e,
    );
    expect(err?.code).toBe('E_SSH_CONNECT');
    expect(err?.message).toMatch(/within 0\.7s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a refused connection', async () => {
    const port = await freePort();
    expect(await codeOf(openTransport(host(port), { identityFile: '', agent: '/nonexistent.sock' }))).toBe('E_SSH_CONNECT');
  });

  it('refuses to start without any credential', async () => {
    expect(await codeOf(openTransport(host(22), { identityFile: '', agent: '' }))).toBe('E_SSH_AUTH');
  });
});
