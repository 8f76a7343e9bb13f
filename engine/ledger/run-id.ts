import { randomBytes } from 'node:crypto';
import { InvalidRunId } from '../errors/index.js';

/** UTC start second, then 24 random bits: ids sort by start time and two runs in one second still differ. */
const RUN_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{6}$/;

export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function isRunId(id: string): boolean {
  const m = RUN_ID.exec(id);
  if (!m) return false;
  const [, , mo, d, h, mi, s] = m.map(Number) as number[];
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= 31 && h! <= 23 && mi! <= 59 && s! <= 60;
}

export function assertRunId(id: string): string {
  if (typeof id !== 'string' || !isRunId(id)) throw new InvalidRunId(String(id));
  return id;
}

/**
 * Where a run's record lives on the ledger ref. One folder per day keeps every tree a commit rewrites small
 * (root, runs, year, month, day), so the ledger grows by a constant per run, not by the number of runs so far.
 */
export function runPath(id: string): string {
  assertRunId(id);
  return `runs/${id.slice(0, 4)}/${id.slice(4, 6)}/${id.slice(6, 8)}/${id}.json`;
}

/** The start time a run id encodes, as an ISO string. */
export function runIdTime(id: string): string {
  assertRunId(id);
  return `${id.slice(0, 4)}-${id.slice(4, 6)}-${id.slice(6, 8)}T${id.slice(9, 11)}:${id.slice(11, 13)}:${id.slice(13, 15)}Z`;
}
