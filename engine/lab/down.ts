import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { LabCleanupIncomplete } from '../errors/lab.js';
import type { LabNames } from './config.js';
import { mountsBelow, removeTree } from './disk.js';
import { deleteLink, deleteNetns, listLinks, listNetns, netnsPids } from './host/network.js';
import { acquireLock } from './lock.js';
import { preflight } from './preflight.js';
import { isAlive, killAndWait, type OwnedProcess } from './proc.js';
import { type Progress, silentProgress } from './progress.js';
import { type LabRef, readLabFile, resolveLab } from './state.js';

/**
 * Removing a lab. Everything is found twice over: from lab.json (PIDs with start times, so a reused PID is
 * never killed) and from the kernel by the names derived from the lab's name (namespaces, links, and the
 * processes inside those namespaces) — so that a `down` after a kill -9 of `up` finds what `up` made before
 * it could write it down. Running it again finds nothing and succeeds.
 */

export interface DownResult {
  name: string;
  /** What was removed, e.g. "process 1234", "netns plumb-default-1", "link plb-default". */
  removed: string[];
  /** False when there was nothing to remove. */
  wasUp: boolean;
}

export async function labDown(ref: LabRef & { progress?: Progress } = {}): Promise<DownResult> {
  const { names } = resolveLab(ref);
  await preflight('down');
  const progress = ref.progress ?? silentProgress;
  const lock = await acquireLock(names.lockPath, { subject: `lab '${names.name}'`, lab: names.name, command: 'down', takeStale: true, onNotice: (m) => progress.note(m) });
  try {
    const result = await teardown(names, { keepFiles: false });
    const left = await leftovers(names, result.processes);
    if (left.length) throw new LabCleanupIncomplete(names.name, left);
    return { name: names.name, removed: result.removed, wasUp: result.removed.length > 0 };
  } finally {
    // Releasing removes the lock file: the last thing the lab owned on disk.
    lock.release();
  }
}

export interface TeardownResult {
  removed: string[];
  processes: OwnedProcess[];
}

/** Kills, deletes and unlinks everything of the lab; with keepFiles the state directory (logs) stays. Caller holds the lock. */
export async function teardown(names: LabNames, opts: { keepFiles: boolean }): Promise<TeardownResult> {
  const info = readLabFile(names);
  const removed: string[] = [];
  const recorded: OwnedProcess[] = [];
  for (const h of info?.hosts ?? []) {
    if (h.initPid) recorded.push({ pid: h.initPid, startTime: h.initStartTime });
    if (h.pid) recorded.push({ pid: h.pid, startTime: h.pidStartTime });
  }
  if (info?.mirror?.pid) recorded.push({ pid: info.mirror.pid, startTime: info.mirror.pidStartTime });

  const recordedNetns = new Set((info?.hosts ?? []).map((h) => h.netns));
  const netns = (await listNetns()).filter((n) => names.netnsPattern.test(n) || recordedNetns.has(n));
  const inNamespaces: OwnedProcess[] = [];
  for (const ns of netns) for (const pid of await netnsPids(ns)) inNamespaces.push({ pid });

  // A recorded PID is also found in its namespace: keep the record (it has the start time).
  const byPid = new Map<number, OwnedProcess>();
  for (const p of [...inNamespaces, ...recorded]) byPid.set(p.pid, p);
  const all = [...byPid.values()].filter((p) => isAlive(p.pid, p.startTime));
  for (const p of all) removed.push(`process ${p.pid}`);
  await killAndWait(all, 'SIGKILL');

  for (const ns of netns) if (await deleteNetns(ns)) removed.push(`netns ${ns}`);
  const links = await listLinks();
  for (const l of links.filter((l) => names.vethPattern.test(l))) if (await deleteLink(l)) removed.push(`link ${l}`);
  if (links.includes(names.bridge) && (await deleteLink(names.bridge))) removed.push(`link ${names.bridge}`);
  if (links.includes(names.bastionVeth) && (await deleteLink(names.bastionVeth))) removed.push(`link ${names.bastionVeth}`);
  if (links.includes(names.hiddenBridge) && (await deleteLink(names.hiddenBridge))) removed.push(`link ${names.hiddenBridge}`);

  if (info?.inventoryOut && existsSync(info.inventoryOut.path)) {
    // Only the file as the lab wrote it: an edited copy is somebody's work now.
    const sha = createHash('sha256').update(readFileSync(info.inventoryOut.path)).digest('hex');
    if (sha === info.inventoryOut.sha256) {
      rmSync(info.inventoryOut.path, { force: true });
      removed.push(`file ${info.inventoryOut.path}`);
    }
  }
  if (!opts.keepFiles && existsSync(names.dir)) {
    await removeTree(names.dir, names.name);
    removed.push(`directory ${names.dir}`);
  }
  return { removed, processes: all };
}

/** Whatever of the lab is still there after a teardown, for the error message (empty when clean). */
export async function leftovers(names: LabNames, processes: OwnedProcess[] = []): Promise<string[]> {
  const left: string[] = [];
  for (const n of await listNetns()) if (names.netnsPattern.test(n)) left.push(`netns ${n}`);
  for (const l of await listLinks()) if (names.vethPattern.test(l) || l === names.bridge || l === names.hiddenBridge || l === names.bastionVeth) left.push(`link ${l}`);
  for (const p of processes) if (isAlive(p.pid, p.startTime)) left.push(`process ${p.pid}`);
  for (const m of existsSync(names.dir) ? mountsBelow(names.dir) : []) left.push(`mount ${m}`);
  return left;
}
