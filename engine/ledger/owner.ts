import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { JournalOwner } from './journal-format.js';

/**
 * Whether the process that wrote a journal (or holds a lock) still runs. A journal of a live run must never be
 * committed as interrupted, so anything that cannot be proven dead counts as alive or unknown, never as dead.
 */
export type OwnerState = 'alive' | 'dead' | 'unknown';

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 (starttime) and field 3 (state) of /proc/<pid>/stat; the command name may hold spaces and parentheses. */
function procStat(pid: number): { start: string; state: string } | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.length > 19 ? { state: fields[0]!, start: fields[19]! } : undefined;
}

export function currentOwner(): JournalOwner {
  const owner: JournalOwner = { pid: process.pid, hostname: hostname() };
  const boot = readOr('/proc/sys/kernel/random/boot_id');
  if (boot) owner.boot = boot;
  const start = procStat(process.pid)?.start;
  if (start) owner.start = start;
  return owner;
}

export function ownerState(o: Partial<JournalOwner> | undefined): OwnerState {
  if (!o || !Number.isInteger(o.pid) || typeof o.hostname !== 'string') return 'unknown';
  // Another machine's pids mean nothing here (a shared folder, a container with another hostname).
  if (o.hostname !== hostname()) return 'unknown';
  const boot = readOr('/proc/sys/kernel/random/boot_id');
  if (o.boot && boot && o.boot !== boot) return 'dead';
  try {
    process.kill(o.pid!, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  const stat = procStat(o.pid!);
  if (stat) {
    // A zombie has exited (kill -9) but is not reaped yet; a different start time is a new process with the same pid.
    if (stat.state === 'Z' || stat.state === 'X') return 'dead';
    if (o.start && stat.start !== o.start) return 'dead';
  }
  return 'alive';
}
