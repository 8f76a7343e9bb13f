import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabLocked, LabStaleLock } from '../errors/lab.js';
import { isAlive, procStartTime, sleep } from './proc.js';

/**
 * One `plumb lab` command per lab at a time. The lock file names its holder by PID and start time, so a
 * holder that died (kill -9, power cut) is told apart from one that is still working, and a reused PID
 * is not mistaken for the old holder.
 */

export interface LockHolder {
  pid: number;
  startTime: number | null;
  command: string;
  since: string;
}

export interface LockOptions {
  /** What the lock guards, for messages: "lab 'demo'", "the lab image cache". */
  subject: string;
  /** The lab's name when the lock is a lab's (the hint names `plumb lab down --name …`). */
  lab?: string;
  /** The `plumb lab` subcommand taking the lock, for messages. */
  command: string;
  /** Wait up to this long for a live holder instead of failing at once. */
  waitMs?: number;
  /** Take over a lock whose holder is dead (what `down` does: it is the cleanup for interrupted commands). */
  takeStale?: boolean;
  /** Told once when the lock is busy and we start waiting, or when a stale lock is taken over. */
  onNotice?: (message: string) => void;
}

export interface Lock {
  path: string;
  /** The holder whose stale lock was taken over, if any. */
  tookOverFrom?: LockHolder;
  release(): void;
}

export function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

export function holderAlive(h: LockHolder): boolean {
  return isAlive(h.pid, h.startTime);
}

export async function acquireLock(path: string, opts: LockOptions): Promise<Lock> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const me: LockHolder = { pid: process.pid, startTime: procStartTime(process.pid), command: opts.command, since: new Date().toISOString() };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(me)}\n`, { mode: 0o644 });
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  let tookOverFrom: LockHolder | undefined;
  try {
    for (;;) {
      try {
        // link() either creates the lock complete with its content or fails: nobody ever reads a half-written lock.
        linkSync(tmp, path);
        return {
          path,
          tookOverFrom,
          release: () => {
            if (readHolder(path)?.pid === me.pid) unlinkSync(path);
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(path);
      if (!holder || !holderAlive(holder)) {
        const stale = holder ?? { pid: 0, startTime: null, command: '(unreadable lock file)', since: '?' };
        if (!opts.takeStale) throw new LabStaleLock(opts.subject, stale, path, opts.lab);
        opts.onNotice?.(`taking over the stale lock of \`plumb lab ${stale.command}\` (pid ${stale.pid}, no longer running)`);
        tookOverFrom = stale;
        removeIfSame(path, holder);
        continue;
      }
      if (Date.now() >= deadline) throw new LabLocked(opts.subject, holder, path);
      if (!told) opts.onNotice?.(`waiting for \`plumb lab ${holder.command}\` (pid ${holder.pid}) to finish with ${opts.subject}`);
      told = true;
      await sleep(250);
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/** Removes the lock only if it still names the holder we judged stale, so a fresh lock taken meanwhile survives. */
function removeIfSame(path: string, holder: LockHolder | null): void {
  const now = readHolder(path);
  if (holder && now && (now.pid !== holder.pid || now.startTime !== holder.startTime)) return;
  try {
    unlinkSync(path);
  } catch {
    /* someone else removed it */
  }
}
