import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostEntry } from '../../engine/model/types.js';

/**
 * A real OpenSSH server on 127.0.0.1 for transport tests: its own host key, authorized keys per user, logging
 * to a file that tests read (one "Connection from" line per TCP connection). Started and stopped by PID.
 */
export interface TestSshd {
  port: number;
  dir: string;
  /** The client key (private key file) authorized for every user added with authorize(). */
  clientKey: string;
  hostKeyFingerprint: string;
  log(): string;
  connections(): number;
  host(over?: Partial<HostEntry>): HostEntry;
  authorize(user: string): void;
  stop(): Promise<void>;
}

export function sshdSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to run sshd';
  if (!existsSync('/usr/sbin/sshd')) return 'sshd is not installed (apt-get install openssh-server)';
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-sshd-'));
  chmodSync(dir, 0o755);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  const fp = execFileSync('ssh-keygen', ['-lf', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
  const port = await freePort();
  const logFile = join(dir, 'sshd.log');
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${dir}/authorized_keys_%u`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'LogLevel VERBOSE',
      'MaxStartups 100',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config'), '-E', logFile], { stdio: 'ignore' });
  const server: TestSshd = {
    port,
    dir,
    clientKey,
    hostKeyFingerprint: fp,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    connections: () => (server.log().match(/^.*Connection from 127\.0\.0\.1 port \d+/gm) ?? []).length,
    host: (over = {}) => ({
      name: 'sshd-test',
      address: '127.0.0.1',
      port,
      system: 's',
      baseline: 'b',
      ring: 'r',
      host_keys: [fp],
      identity_file: clientKey,
      source: { file: 'inventory/hosts.yaml', line: 1, col: 1, pointer: '/hosts/0', commit: null },
      ...over,
    }),
    authorize(user: string) {
      const f = join(dir, `authorized_keys_${user}`);
      writeFileSync(f, readFileSync(`${clientKey}.pub`));
      chmodSync(f, 0o644);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  server.authorize('root');
  // Ready when the port accepts and sshd has logged that it listens.
  for (let i = 0; i < 100; i++) {
    if (/Server listening/.test(server.log())) return server;
    if (child.exitCode !== null) throw new Error(`sshd exited: ${server.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.stop();
  throw new Error('sshd did not start listening within 5 s');
}
