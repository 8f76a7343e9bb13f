import { createHash } from 'node:crypto';
import type { JournalEvent, JournalSeal } from './types.js';

/**
 * One journal line: `{"seq":N,"prev":"<sha256 of line N-1>", ...event}` (line 0 also names its owner process).
 * The chain makes an edited, removed or reordered line visible; the last line is vouched for by the ledger commit.
 */
export interface JournalOwner {
  pid: number;
  hostname: string;
  /** /proc/sys/kernel/random/boot_id: a different boot means the owner is certainly gone. */
  boot?: string;
  /** Start time of the process (clock ticks after boot, /proc/<pid>/stat): tells a reused pid from the owner. */
  start?: string;
}

export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

export function encodeLine(seq: number, prev: string | null, event: JournalEvent, owner?: JournalOwner): string {
  return JSON.stringify(owner ? { seq, prev, owner, ...event } : { seq, prev, ...event });
}

export interface ParsedJournal {
  events: JournalEvent[];
  seal: JournalSeal;
  owner?: JournalOwner;
}

const EVENT_TYPES = new Set(['run-start', 'host-start', 'backup', 'action-start', 'action-applied', 'action-failed', 'action-skipped', 'host-restored', 'host-skipped', 'txn', 'settled', 'verified', 'host-end', 'ring', 'run-end']);

/**
 * Reads a journal, checking the chain line by line. Nothing that parses is dropped: a broken chain is reported in
 * the seal and the events after the break are still returned, so that a damaged journal loses no record. Only a
 * torn last line (no newline, or not JSON: a write cut short by a crash, never acknowledged) is left out.
 */
export function parseJournal(text: string): ParsedJournal {
  const problems: string[] = [];
  let status: JournalSeal['status'] = 'intact';
  const mark = (s: JournalSeal['status'], p: string) => {
    if (status !== 'tampered') status = s;
    problems.push(p);
  };
  const lines = text.split('\n');
  const tail = lines.pop()!;
  let torn = false;
  if (tail !== '') {
    // A crash can cut the final write anywhere, even right before its newline: keep the line only if it is whole.
    const whole = tryParse(tail);
    if (whole && typeof whole === 'object') lines.push(tail);
    else torn = true;
  }
  const events: JournalEvent[] = [];
  let owner: JournalOwner | undefined;
  let prev: string | null = null;
  let head: string | null = null;
  let expect = 0;
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    const doc = tryParse(line);
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
      mark('tampered', `line ${n} is not a JSON object`);
      prev = head = lineHash(line);
      expect++;
      continue;
    }
    const { seq, prev: claimed, owner: o, ...event } = doc as Record<string, unknown>;
    if (i === 0) {
      if (seq !== 0 || event.t !== 'run-start') mark('truncated', `the journal begins with ${typeof seq === 'number' ? `event ${seq}` : 'an unnumbered line'} (${String(event.t)}), not the run-start at 0: its beginning is missing`);
      if (o && typeof o === 'object') owner = o as JournalOwner;
    } else if (seq !== expect) mark('tampered', `line ${n} carries seq ${String(seq)}, expected ${expect}: lines were removed, added or reordered`);
    // Re-anchor on the seq found, so that one removed line is one problem, not one per line after it.
    expect = (typeof seq === 'number' ? seq : expect) + 1;
    if (i > 0 && claimed !== prev) mark('tampered', `line ${n} does not carry the hash of line ${n - 1}: one of them was changed`);
    if (i === 0 && claimed !== null && seq === 0) mark('tampered', 'line 1 claims a line before it');
    if (typeof event.t !== 'string' || !EVENT_TYPES.has(event.t)) mark('tampered', `line ${n} has no known event type (${String(event.t)})`);
    else events.push(event as unknown as JournalEvent);
    prev = head = lineHash(line);
  }
  if (!lines.length) mark('truncated', 'the journal holds no complete line');
  const seal: JournalSeal = { events: events.length, head, status };
  if (problems.length) seal.problems = problems;
  if (torn) seal.torn = true;
  return { events, seal, owner };
}

function tryParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
