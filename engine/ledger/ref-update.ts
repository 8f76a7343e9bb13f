import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { LedgerCorrupt, LedgerLocked } from '../errors/index.js';
import { currentOwner, ownerState } from './owner.js';
import { fsyncDir, mkdirDurable } from './repo.js';

const OID = /^[0-9a-f]{40}$/;

/** The commit a ref points at (loose file first, then packed-refs, as git reads it), or null when there is none. */
export function readRef(gitdir: string, ref: string): string | null {
  let loose: string | undefined;
  try {
    loose = fs.readFileSync(join(gitdir, ref), 'utf8').trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
  }
  if (loose !== undefined) {
    if (!OID.test(loose)) throw new LedgerCorrupt(`${ref} does not hold a commit id ('${loose.slice(0, 60)}')`, { ref });
    return loose;
  }
  let packed = '';
  try {
    packed = fs.readFileSync(join(gitdir, 'packed-refs'), 'utf8');
  } catch {
    return null;
  }
  for (const line of packed.split('\n')) {
    const m = /^([0-9a-f]{40}) (.+)$/.exec(line);
    if (m && m[2] === ref) return m[1]!;
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SwapOptions {
  /** How long to wait for a lock someone else holds (default 10 s; a ledger update holds it for milliseconds). */
  lockTimeoutMs?: number;
}

/**
 * Points `ref` at `next` only if it still points at `expected` (null: does not exist yet). Returns false when
 * the ref moved, so the caller can rebuild on the new tip and try again.
 *
 * The protocol is git's own: whoever creates `<ref>.lock` exclusively may change the ref, so git commands
 * (update-ref, pack-refs, fetch) and other plumb processes exclude each other. Our lock names its owner, so a lock
 * left by a plumb process that died is taken over; any other lock is waited for, then reported.
 * The new value is written to a separate file, fsynced and renamed over the ref: the ref is always whole.
 */
export async function compareAndSwapRef(gitdir: string, ref: string, expected: string | null, next: string, opts: SwapOptions = {}): Promise<boolean> {
  if (!OID.test(next)) throw new Error(`not a commit id: ${next}`);
  const refPath = join(gitdir, ref);
  const lock = `${refPath}.lock`;
  mkdirDurable(dirname(refPath));
  const fd = await acquire(lock, opts.lockTimeoutMs ?? 10_000);
  try {
    if (readRef(gitdir, ref) !== expected) return false;
    sweepLeftovers(refPath);
    // Ends in .lock so that git never takes it for a ref, even if a kill leaves it behind.
    const tmp = `${refPath}.new-${process.pid}-${randomBytes(4).toString('hex')}.lock`;
    const out = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(out, `${next}\n`);
      fs.fsyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    fs.renameSync(tmp, refPath);
    fsyncDir(dirname(refPath));
    return true;
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lock, { force: true });
  }
}

/** Removes `<ref>.new-<pid>-*.lock` files of processes that are gone (killed between writing and renaming). */
function sweepLeftovers(refPath: string): void {
  const dir = dirname(refPath);
  const prefix = `${refPath.slice(dir.length + 1)}.new-`;
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.lock'));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(n.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && ownerState({ pid, hostname: hostname() }) === 'dead') fs.rmSync(join(dir, n), { force: true });
  }
}

async function acquire(lock: string, timeoutMs: number): Promise<number> {
  const me = currentOwner();
  const tag = `plumb ${JSON.stringify(me)}\n`;
  const deadline = Date.now() + timeoutMs;
  let wait = 2;
  for (;;) {
    try {
      const fd = fs.openSync(lock, 'wx', 0o644);
      fs.writeSync(fd, tag);
      return fd;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(lock);
    if (holder.plumb && ownerState(holder.owner) === 'dead' && takeOver(lock, holder.text)) continue;
    if (Date.now() > deadline) throw new LedgerLocked(lock, holder.plumb ? `plumb process ${holder.owner?.pid ?? '?'} on ${holder.owner?.hostname ?? '?'}` : 'another program (git?)');
    await sleep(wait);
    wait = Math.min(wait * 2, 100);
  }
}

function readHolder(lock: string): { text: string; plumb: boolean; owner?: Parameters<typeof ownerState>[0] } {
  let text = '';
  try {
    text = fs.readFileSync(lock, 'utf8');
  } catch {
    return { text, plumb: false };
  }
  if (!text.startsWith('plumb ')) return { text, plumb: false };
  try {
    return { text, plumb: true, owner: JSON.parse(text.slice(6)) };
  } catch {
    return { text, plumb: false };
  }
}

/**
 * Removes a dead plumb process's lock. Two processes may decide so at once; renaming the lock aside is atomic, and
 * whoever finds a live owner's lock in what it renamed puts it back (link fails rather than overwrite a new lock).
 */
function takeOver(lock: string, seen: string): boolean {
  const aside = `${lock}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return true; // gone already: try to create it again
  }
  const moved = fs.readFileSync(aside, 'utf8');
  if (moved !== seen) {
    try {
      fs.linkSync(aside, lock);
    } catch {
      /* somebody created a new lock meanwhile: theirs stands */
    }
  }
  fs.rmSync(aside, { force: true });
  return true;
}
