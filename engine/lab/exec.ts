import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { knownHosts } from './access.js';
import { writeFileAtomic } from './disk.js';
import { makeHostKeys } from './host/keys.js';
import { LabHostFailed } from '../errors/lab.js';
import { bootHost, bootLog, type HostPlan, waitForSsh } from './host/start.js';
import { netnsPids } from './host/network.js';
import { acquireLock } from './lock.js';
import { preflight } from './preflight.js';
import { type RunResult, isAlive, killAndWait, tryRun } from './proc.js';
import { findHost, type LabRef, readLab, resolveLab, writeLabFile } from './state.js';
import type { LabInfo } from './types.js';

/**
 * Reaching into a host from the control machine without SSH, for test set-up and debugging: nsenter into
 * the namespaces of the host's PID 1 (its sshd), with its root directory. The engine itself talks SSH.
 */

export interface HostExecOptions {
  input?: string;
  timeoutMs?: number;
}

const HOST_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root', 'LANG=C.UTF-8', 'DEBIAN_FRONTEND=noninteractive'];

/** Runs `sh -c script` as root on the host; resolves with exit code and output whatever the code. */
export async function hostExec(lab: LabInfo | string, host: string, script: string, opts: HostExecOptions = {}): Promise<RunResult> {
  // Always the current record: a reset host has new PIDs, and callers may hold an older LabInfo.
  const info = typeof lab === 'string' ? readLab(lab) : readLab({ name: lab.name, stateDir: dirname(lab.stateDir) });
  const h = findHost(info, host);
  if (!h.initPid || !isAlive(h.initPid, h.initStartTime)) throw new LabHostFailed(h.name, 'it is not running', bootLog(h.dir));
  return tryRun('nsenter', ['-t', String(h.initPid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', '/usr/bin/env', '-i', ...HOST_ENV, '/bin/sh', '-c', script], {
    input: opts.input,
    timeoutMs: opts.timeoutMs,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
}

/**
 * Puts a host back to the standard image: its processes end, its overlay upper layer is emptied, and it
 * boots again with the same address, host keys and seed files (known_hosts and the inventory stay valid) —
 * or, with `newHostKeys`, with fresh host keys (lab.json and known_hosts follow; the lab's inventory.yaml does not).
 */
export async function resetHost(ref: LabRef & { host: string; lockWaitMs?: number; newHostKeys?: boolean }): Promise<LabInfo> {
  await preflight('up');
  const { names } = resolveLab(ref);
  const lock = await acquireLock(names.lockPath, { subject: `lab '${names.name}'`, lab: names.name, command: 'reset', waitMs: ref.lockWaitMs ?? 10 * 60_000 });
  try {
    const info = readLab(ref);
    const h = findHost(info, ref.host);
    const procs = [
      ...(h.initPid ? [{ pid: h.initPid, startTime: h.initStartTime }] : []),
      ...(h.pid ? [{ pid: h.pid, startTime: h.pidStartTime }] : []),
      ...(await netnsPids(h.netns)).map((pid) => ({ pid })),
    ];
    await killAndWait(procs, 'SIGKILL');
    const plan: HostPlan = { index: info.hosts.indexOf(h) + 1, name: h.name, address: h.address, netns: h.netns, veth: h.veth, ring: h.ring, dir: h.dir, hidden: Boolean(h.behind) };
    if (ref.newHostKeys) {
      // A rebuild (plumb rebuild): the old keys may be in an attacker's hands, so the host boots with new ones.
      const ssh = join(h.dir, 'seed', 'etc', 'ssh');
      for (const f of readdirSync(ssh)) if (f.startsWith('ssh_host_')) rmSync(join(ssh, f));
      const keys = await makeHostKeys(ssh, h.name);
      h.hostKeys = keys.hostKeys;
      h.fingerprints = keys.fingerprints;
      writeLabFile(names, info);
      writeFileAtomic(info.knownHostsPath, knownHosts(info.hosts));
    }
    const started = await bootHost(plan, info.image, (p) => {
      Object.assign(h, p);
      writeLabFile(names, info);
    });
    await waitForSsh(plan, started);
    return info;
  } finally {
    lock.release();
  }
}
