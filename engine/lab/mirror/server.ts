import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { LabCommandFailed, LabPortInUse } from '../../errors/lab.js';
import { python3 } from '../preflight.js';
import { isAlive, procStartTime, sleep, spawnDetached } from '../proc.js';

/**
 * The mirror's HTTP server: python3's http.server over the lab's mirror directory, bound to the control
 * side of the lab network only, started detached and later stopped by the PID recorded in lab.json.
 */

/** Fails with LabPortInUse when something already holds the port (on this address or on all addresses). */
export function checkPortFree(address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new LabPortInUse(address, port));
      else reject(new LabCommandFailed(`listening on ${address}:${port}`, 'bind()', e.message));
    });
    probe.listen({ host: address, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export function canConnect(address: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: address, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** `record` is called with the PID as soon as it exists, before waiting for the server to listen. */
export async function startMirrorServer(
  dir: string,
  address: string,
  port: number,
  logPath: string,
  record: (p: { pid: number; startTime: number | null }) => void,
): Promise<{ pid: number; startTime: number | null }> {
  await checkPortFree(address, port);
  const pid = await spawnDetached(python3(), ['-u', '-m', 'http.server', String(port), '--bind', address, '--directory', dir], logPath, {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
  });
  const startTime = procStartTime(pid);
  record({ pid, startTime });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await canConnect(address, port)) return { pid, startTime };
    if (!isAlive(pid, startTime)) {
      const log = readFileSync(logPath, 'utf8');
      if (/Address already in use/.test(log)) throw new LabPortInUse(address, port);
      throw new LabCommandFailed('starting the mirror server', `python3 -m http.server ${port} --bind ${address}`, log);
    }
    await sleep(25);
  }
  throw new LabCommandFailed('starting the mirror server', `python3 -m http.server ${port} --bind ${address}`, `not listening after 10 s; see ${logPath}`);
}
