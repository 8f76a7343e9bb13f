import { holderAlive, readHolder } from './lock.js';
import { sshBanner, sshBannerInNetns } from './host/start.js';
import { isAlive } from './proc.js';
import { type LabRef, listLabNames, readLabFile, resolveLab } from './state.js';
import type { LabHealth, LabInfo } from './types.js';
import { labRoots } from './config.js';

/** What is running right now, checked against the kernel and the network rather than taken from lab.json. Needs no root. */

export interface LabStatus extends LabHealth {
  info: LabInfo | null;
}

export async function labStatus(ref: LabRef = {}): Promise<LabStatus> {
  const { names } = resolveLab(ref);
  const info = readLabFile(names);
  const holder = readHolder(names.lockPath);
  const lock = holder ? { pid: holder.pid, command: holder.command, since: holder.since, alive: holderAlive(holder) } : null;
  const problems: string[] = [];
  if (lock && !lock.alive) problems.push(`stale lock: \`plumb lab ${lock.command}\` (pid ${lock.pid}) died; run \`plumb lab down\` to clean up`);
  if (!info) return { name: names.name, status: lock && !lock.alive ? 'incomplete' : 'down', lock, mirror: { running: false }, hosts: [], problems, info: null };

  if (info.status === 'failed') {
    problems.push(`the last \`plumb lab up\` failed: ${info.error ?? '?'}; its logs are in ${info.stateDir} until \`plumb lab down\``);
    return { name: names.name, status: 'failed', lock, mirror: { running: false }, hosts: [], problems, info };
  }
  const mirrorRunning = info.mirror.pid !== null && isAlive(info.mirror.pid, info.mirror.pidStartTime);
  if (!mirrorRunning) problems.push(`mirror server (pid ${info.mirror.pid ?? '?'}) is not running`);
  const hosts = await Promise.all(
    info.hosts.map(async (h) => {
      const running = h.initPid !== null && isAlive(h.initPid, h.initStartTime);
      const sshReachable = running && (h.behind ? await sshBannerInNetns(h.netns) : await sshBanner(h.address, h.port, 1000));
      if (!running) problems.push(`${h.name}: not running`);
      else if (!sshReachable) problems.push(`${h.name}: sshd does not answer on ${h.address}:${h.port}`);
      return { name: h.name, running, sshReachable };
    }),
  );
  let status: LabHealth['status'];
  if (info.status !== 'up') status = lock?.alive ? 'starting' : 'incomplete';
  else status = problems.length ? 'degraded' : 'up';
  return { name: names.name, status, lock, mirror: { running: mirrorRunning }, hosts, problems, info };
}

/** Every lab under the state root (or the one named). */
export async function labStatuses(ref: LabRef = {}): Promise<LabStatus[]> {
  if (ref.name) return [await labStatus(ref)];
  const names = listLabNames(labRoots(ref));
  return Promise.all(names.map((name) => labStatus({ ...ref, name })));
}
