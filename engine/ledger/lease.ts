import * as fs from 'node:fs';
import { join } from 'node:path';
import { RunLocked } from '../errors/index.js';
import type { JournalOwner } from './journal-format.js';
import { currentOwner, ownerState } from './owner.js';
import { plumbDir } from '../model/state-dir.js';

/** How long a lease holds without renewal; the holder renews it every third of that. */
export const LEASE_TTL_MS = 60_000;

/** `.plumb/run.lock`: who acts on this state directory, since when, and until when unless renewed. */
export interface LeaseDoc {
  v: 1;
  owner: JournalOwner;
  /** The command holding it: reconcile, apply, rollback. */
  purpose: string;
  /** The run being recorded under it, once one began. */
  run?: string;
  acquiredAt: string;
  /** The heartbeat: the last renewal. */
  renewedAt: string;
  expiresAt: string;
}

/**
 * Whether a lease still keeps others out. `held`: its owner is alive, or cannot be checked from here and renewed it
 * in time. `expired`: its owner cannot be checked from here (another machine) and stopped renewing. `dead`: its owner
 * is provably gone (same machine: no such process, another boot, another start time).
 */
export function leaseState(doc: LeaseDoc, now = Date.now()): 'held' | 'expired' | 'dead' {
  const s = ownerState(doc.owner);
  if (s === 'dead') return 'dead';
  if (s === 'alive') return 'held';
  return Date.parse(doc.expiresAt) < now ? 'expired' : 'held';
}

export function leasePath(root: string): string {
  return join(plumbDir(root), 'run.lock');
}

/** The lease as it is on disk, or undefined (none, or unreadable: a lease written by plumb before leases was a bare PID). */
export function readLease(root: string): LeaseDoc | undefined {
  let text: string;
  try {
    text = fs.readFileSync(leasePath(root), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(text) as LeaseDoc;
    if (doc?.v === 1 && typeof doc.owner?.pid === 'number' && typeof doc.expiresAt === 'string') return doc;
  } catch {
    /* below */
  }
  const pid = Number.parseInt(text, 10);
  if (Number.isInteger(pid) && pid > 0) {
    const t = new Date(0).toISOString();
    return { v: 1, owner: { pid, hostname: currentOwner().hostname }, purpose: 'plumb', acquiredAt: t, renewedAt: t, expiresAt: t };
  }
  return undefined;
}

export interface LeaseOptions {
  purpose: string;
  ttlMs?: number;
  now?: () => number;
  /** Called when a renewal finds the lease taken by someone else (after it expired): stop acting. */
  onLost?: (holder: LeaseDoc | undefined) => void;
}

/**
 * One plumb run per state directory at a time, as a lease: created exclusively, naming its owner (host, pid, process
 * start time, boot), renewed in the background while the run lives, released at the end. A lease whose owner is
 * provably dead is taken over at once; one whose owner cannot be checked (another machine sharing the directory)
 * once it expired. A live one is refused, naming who holds it and since when.
 */
export class RunLease {
  private timer: NodeJS.Timeout | undefined;
  private doc: LeaseDoc;
  private released = false;

  private constructor(
    private readonly path: string,
    doc: LeaseDoc,
    private readonly opts: Required<Pick<LeaseOptions, 'ttlMs' | 'now'>> & LeaseOptions,
  ) {
    this.doc = doc;
    this.timer = setInterval(() => this.renew(), Math.max(1_000, Math.floor(opts.ttlMs / 3)));
    this.timer.unref();
  }

  static acquire(root: string, o: LeaseOptions): RunLease {
    const opts = { ttlMs: LEASE_TTL_MS, now: Date.now, ...o };
    const path = leasePath(root);
    for (let attempt = 0; attempt < 3; attempt++) {
      const t = opts.now();
      const doc: LeaseDoc = { v: 1, owner: currentOwner(), purpose: opts.purpose, acquiredAt: iso(t), renewedAt: iso(t), expiresAt: iso(t + opts.ttlMs) };
      try {
        const fd = fs.openSync(path, 'wx', 0o644);
        try {
          fs.writeSync(fd, `${JSON.stringify(doc)}\n`);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
        return new RunLease(path, doc, opts);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = readLease(root);
      if (held && held.owner.pid !== process.pid && leaseState(held, t) === 'held') throw new RunLocked(path, held);
      // Dead, expired, unreadable or our own leftover: take it over. Removing and creating again keeps creation exclusive.
      fs.rmSync(path, { force: true });
    }
    throw new RunLocked(path, readLease(root));
  }

  get owner(): JournalOwner {
    return this.doc.owner;
  }

  /** Names the run recorded under this lease (history uses it to tell a live run from a dead one). */
  setRun(run: string): void {
    this.doc = { ...this.doc, run };
    this.write();
  }

  /** The heartbeat. Returns false when the lease is no longer ours. */
  renew(): boolean {
    if (this.released) return false;
    const onDisk = readLeaseFile(this.path);
    if (!onDisk || onDisk.owner.pid !== this.doc.owner.pid || onDisk.owner.hostname !== this.doc.owner.hostname || onDisk.acquiredAt !== this.doc.acquiredAt) {
      this.stop();
      this.opts.onLost?.(onDisk);
      return false;
    }
    const t = this.opts.now();
    this.doc = { ...this.doc, renewedAt: iso(t), expiresAt: iso(t + this.opts.ttlMs) };
    this.write();
    return true;
  }

  release(): void {
    if (this.released) return;
    this.stop();
    this.released = true;
    const onDisk = readLeaseFile(this.path);
    if (onDisk && onDisk.owner.pid === this.doc.owner.pid && onDisk.acquiredAt === this.doc.acquiredAt) fs.rmSync(this.path, { force: true });
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private write(): void {
    // Replaced atomically: a reader never sees half a lease. No fsync: a lease lost in a power loss has a dead owner.
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, `${JSON.stringify(this.doc)}\n`, { mode: 0o644 });
      fs.renameSync(tmp, this.path);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
}

function readLeaseFile(path: string): LeaseDoc | undefined {
  try {
    const doc = JSON.parse(fs.readFileSync(path, 'utf8')) as LeaseDoc;
    return doc?.v === 1 ? doc : undefined;
  } catch {
    return undefined;
  }
}

const iso = (t: number) => new Date(t).toISOString();
