import { randomBytes } from 'node:crypto';
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabHostFailed } from '../../errors/lab.js';
import { removeTree } from '../disk.js';
import { childrenOf, isAlive, procStartTime, sleep, spawnDetached, tryRun } from '../proc.js';
import type { LabImage } from '../types.js';
import { type HostKeys, makeHostKeys } from './keys.js';

/** Making one host: its seed files (identity, keys, apt source), then its boot as a detached process tree. */

export const BOOT_SCRIPT = fileURLToPath(new URL('./boot.sh', import.meta.url));
export const MIRROR_KEYRING = '/etc/apt/keyrings/plumb-lab-mirror.gpg';

export interface HostPlan {
  index: number;
  name: string;
  address: string;
  netns: string;
  veth: string;
  ring: string;
  dir: string;
  /** On the network behind the bastion: the control machine cannot reach it, so readiness is checked inside its namespace. */
  hidden?: boolean;
}

export interface SeedContext {
  clientPublicKey: string;
  mirrorKeyFile: string;
  sourcesLine: string;
  plumbUser: { uid: number; gid: number };
}

const paths = (dir: string) => ({
  seed: join(dir, 'seed'),
  upper: join(dir, 'upper'),
  work: join(dir, 'work'),
  root: join(dir, 'root'),
  log: join(dir, 'boot.log'),
});

export function bootLog(dir: string): string {
  return paths(dir).log;
}

/** The per-host files laid over the image at boot; returns the host keys made for it. */
export async function prepareSeed(plan: HostPlan, ctx: SeedContext): Promise<HostKeys> {
  const { seed } = paths(plan.dir);
  const d = (p: string, mode = 0o755) => {
    mkdirSync(join(seed, p), { recursive: true, mode });
    return join(seed, p);
  };
  const ssh = d('etc/ssh');
  const keyrings = d('etc/apt/keyrings');
  const rootSsh = d('root/.ssh', 0o700);
  const plumbSsh = d('home/plumb/.ssh', 0o700);
  const keys = await makeHostKeys(ssh, plan.name);
  const authorized = `${ctx.clientPublicKey.trim()}\n`;
  writeFileSync(join(rootSsh, 'authorized_keys'), authorized, { mode: 0o600 });
  writeFileSync(join(plumbSsh, 'authorized_keys'), authorized, { mode: 0o600 });
  chownSync(plumbSsh, ctx.plumbUser.uid, ctx.plumbUser.gid);
  chownSync(join(plumbSsh, 'authorized_keys'), ctx.plumbUser.uid, ctx.plumbUser.gid);
  const etc = join(seed, 'etc');
  writeFileSync(join(etc, 'hostname'), `${plan.name}\n`);
  writeFileSync(join(etc, 'hosts'), `127.0.0.1\tlocalhost\n${plan.address}\t${plan.name}\n`);
  // Unique per host, as after a first boot: facts and agents may key on it.
  writeFileSync(join(etc, 'machine-id'), `${randomBytes(16).toString('hex')}\n`, { mode: 0o444 });
  writeFileSync(
    join(etc, 'apt/sources.list'),
    `# Written by plumb lab: the lab's internal signed mirror is this host's only package source.\n${ctx.sourcesLine}\n`,
  );
  copyFileSync(ctx.mirrorKeyFile, join(keyrings, 'plumb-lab-mirror.gpg'));
  return keys;
}

export interface HostProcesses {
  pid: number;
  pidStartTime: number | null;
  initPid: number | null;
  initStartTime: number | null;
}

/**
 * Boots the host: nsenter into its network namespace, unshare new PID/mount/UTS/IPC namespaces, run
 * boot.sh as PID 1, which execs the image's sshd. `record` is called as soon as each PID is known, so an
 * interrupted `up` still leaves `down` a record. A fresh upper layer unless `keepUpper`.
 */
export async function bootHost(plan: HostPlan, image: LabImage, record: (p: HostProcesses) => void, keepUpper = false): Promise<HostProcesses> {
  const p = paths(plan.dir);
  if (!keepUpper) {
    await removeTree(p.upper);
    await removeTree(p.work);
  }
  for (const dir of [p.upper, p.work, p.root]) mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(p.log, '');
  const pid = await spawnDetached(
    'nsenter',
    [`--net=/run/netns/${plan.netns}`, '--', 'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--propagation', 'private', '--', '/bin/sh', BOOT_SCRIPT, p.root, image.rootfs, p.upper, p.work, p.seed, plan.name],
    p.log,
    { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
  );
  const procs: HostProcesses = { pid, pidStartTime: procStartTime(pid), initPid: null, initStartTime: null };
  record(procs);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && isAlive(pid, procs.pidStartTime)) {
    const child = childrenOf(pid)[0];
    if (child) {
      procs.initPid = child;
      procs.initStartTime = procStartTime(child);
      record(procs);
      break;
    }
    await sleep(5);
  }
  return procs;
}

/** Resolves once sshd on the host answers with its banner; fails with the boot log when the host died instead. */
export async function waitForSsh(plan: HostPlan, procs: HostProcesses, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const log = paths(plan.dir).log;
  while (Date.now() < deadline) {
    if (plan.hidden ? await sshBannerInNetns(plan.netns) : await sshBanner(plan.address, 22)) return;
    if (!isAlive(procs.pid, procs.pidStartTime) && !(procs.initPid && isAlive(procs.initPid, procs.initStartTime))) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-6).join('\n    ') : '';
      throw new LabHostFailed(plan.name, `it exited during boot${tail ? `:\n    ${tail}` : ''}`, log);
    }
    await sleep(20);
  }
  throw new LabHostFailed(plan.name, `sshd did not answer on ${plan.address}:22 within ${timeoutMs / 1000} s`, log);
}

/** sshd's banner read from inside a host's network namespace (bash's /dev/tcp; no shell text from outside). */
export async function sshBannerInNetns(netns: string): Promise<boolean> {
  const r = await tryRun('ip', ['netns', 'exec', netns, 'timeout', '1', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/22 && head -c 4 <&3']);
  return r.code === 0 && r.stdout.startsWith('SSH-');
}

export function sshBanner(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: address, port });
    let got = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('data', (b: Buffer) => {
      got += b.toString('latin1');
      if (got.includes('\n')) done(got.startsWith('SSH-'));
    });
    s.once('error', () => done(false));
    s.once('close', () => done(got.startsWith('SSH-')));
  });
}
