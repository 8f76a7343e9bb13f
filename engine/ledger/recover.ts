import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import { commitRuns } from './commit.js';
import { foldJournal } from './fold.js';
import { parseJournal, type JournalOwner } from './journal-format.js';
import { leaseState, readLease, type LeaseDoc } from './lease.js';
import { ownerState } from './owner.js';
import { ensureStateDir, fsyncDir, locateRepo, type LedgerRepo } from './repo.js';
import { isRunId } from './run-id.js';
import type { RunRecord } from './types.js';

export const JOURNAL_DIR = 'journal';
/** Journals whose run the ledger already holds with a different head: kept for a person to look at. */
export const CONFLICT_DIR = 'journal/conflicts';

/** A journal whose owner left no trace of itself (a damaged first line) counts as abandoned after this long. */
const ANONYMOUS_STALE_MS = 10 * 60_000;

export interface JournalInfo {
  id: string;
  path: string;
  /**
   * running: its process is alive (never touched); interrupted: its process is gone, the next recovery commits it;
   * foreign: written on another machine, whose processes cannot be checked from here; conflict: set aside.
   */
  state: 'running' | 'interrupted' | 'foreign' | 'conflict';
  owner?: JournalOwner;
  /** The run lease naming this journal's run: its owner and heartbeat. */
  lease?: Pick<LeaseDoc, 'owner' | 'acquiredAt' | 'renewedAt' | 'expiresAt'>;
  /** The journal folded as it is now: marked recovered, or (running) with what is still under way marked in progress. */
  record: RunRecord;
}

/** Every journal left in .plumb/journal, folded, with whether it may be recovered. Reads only. */
export async function inspectJournals(repoRoot: string): Promise<JournalInfo[]> {
  return listJournals(await locateRepo(repoRoot));
}

function listJournals(repo: LedgerRepo): JournalInfo[] {
  const out: JournalInfo[] = [];
  let lease: LeaseDoc | undefined;
  try {
    lease = readLease(repo.top);
  } catch {
    lease = undefined;
  }
  for (const [sub, conflict] of [[JOURNAL_DIR, false], [CONFLICT_DIR, true]] as const) {
    const dir = join(repo.stateDir, sub);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const id = name.replace(/(\.\d+)?\.jsonl$/, '');
      if (!name.endsWith('.jsonl') || !isRunId(id)) continue;
      const path = join(dir, name);
      let text: string;
      let mtime: number;
      try {
        text = fs.readFileSync(path, 'utf8');
        mtime = fs.statSync(path).mtimeMs;
      } catch {
        continue; // finished or recovered meanwhile
      }
      const parsed = parseJournal(text);
      const mine = lease?.run === id ? lease : undefined;
      const state: JournalInfo['state'] = conflict ? 'conflict' : journalState(parsed.owner, mtime, mine);
      const live = state === 'running' ? liveNote(parsed.owner, mine) : undefined;
      const record = foldJournal(parsed.events, { id, live });
      if (record.id !== id) {
        // The file name is what begin() checked; a run-start naming another run is damage, and must not block recovery.
        (record.anomalies ??= []).push(`the journal file is named ${id} but its run-start names run ${String(record.id)}`);
        if (!isRunId(String(record.id))) record.id = id;
      }
      if (!live) record.recovered = true;
      record.journal = parsed.seal;
      out.push({ id, path, owner: parsed.owner, record, state, ...(mine ? { lease: { owner: mine.owner, acquiredAt: mine.acquiredAt, renewedAt: mine.renewedAt, expiresAt: mine.expiresAt } } : {}) });
    }
  }
  return out;
}

/**
 * Whether a journal's run still goes. Its owner process is checked where it can be (same machine: pid, start time,
 * boot); a run lease naming the run speaks for an owner that cannot be checked (another machine sharing the state
 * directory): renewed within its expiry, the run goes on; expired, its owner stopped, whatever machine it ran on.
 */
function journalState(owner: JournalOwner | undefined, mtime: number, lease?: LeaseDoc): JournalInfo['state'] {
  if (!owner) return Date.now() - mtime > ANONYMOUS_STALE_MS ? 'interrupted' : 'running';
  const s = ownerState(owner);
  if (s === 'dead') return 'interrupted';
  if (s === 'alive') return 'running';
  if (lease) return leaseState(lease) === 'held' ? 'running' : 'interrupted';
  return 'foreign';
}

function liveNote(owner: JournalOwner | undefined, lease: LeaseDoc | undefined): string {
  const who = owner ? `pid ${owner.pid} on ${owner.hostname}` : 'its owner';
  const beat = lease ? `, last heartbeat ${Math.max(0, Math.round((Date.now() - Date.parse(lease.renewedAt)) / 1000))} s ago` : '';
  return `the run is still going (${who}${beat})`;
}

export interface RecoverOptions {
  /** Also commit journals written on another machine (an operator's decision: plumb cannot see whether they run). */
  includeForeign?: boolean;
}

/**
 * Commits every journal a dead process left behind as a run marked `recovered` (with its chain's verdict in
 * `journal`), in run-id order, then removes those journals. Idempotent, and safe when several processes recover at
 * once: the ledger ref moves by compare-and-swap and a run already on it is never committed again. A journal whose
 * run the ledger holds with a different head is moved to .plumb/journal/conflicts/, never deleted.
 * Returns the records this call committed.
 */
export async function recoverJournals(repoRoot: string, opts: RecoverOptions = {}): Promise<RunRecord[]> {
  const repo = await locateRepo(repoRoot);
  removeStaleTemporaries(repo);
  const left = listJournals(repo).filter((j) => j.state === 'interrupted' || (opts.includeForeign && j.state === 'foreign'));
  if (!left.length) return [];
  const outcome = await commitRuns(repo, left.map((j) => j.record));
  for (const j of left) {
    const stored = outcome.existing.get(j.record.id);
    if (stored && stored.journal?.head !== j.record.journal?.head) setAside(repo, j.path);
    else fs.rmSync(j.path, { force: true });
  }
  fsyncDir(join(repo.stateDir, JOURNAL_DIR));
  return outcome.committed;
}

/** `<id>.jsonl.tmp`: a begin() that died before its first line was in place; that run never started. */
function removeStaleTemporaries(repo: LedgerRepo): void {
  const dir = join(repo.stateDir, JOURNAL_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl.tmp'));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const { owner } = parseJournal(fs.readFileSync(path, 'utf8'));
      if (journalState(owner, fs.statSync(path).mtimeMs) === 'interrupted') fs.rmSync(path, { force: true });
    } catch {
      /* gone meanwhile */
    }
  }
}

/** Moves a journal to .plumb/journal/conflicts/ under a name not taken yet; returns where it went. */
export function setAside(repo: LedgerRepo, path: string): string {
  const dir = ensureStateDir(repo, CONFLICT_DIR);
  const base = basename(path, '.jsonl');
  let target = join(dir, `${base}.jsonl`);
  for (let n = 1; fs.existsSync(target); n++) target = join(dir, `${base}.${n}.jsonl`);
  fs.renameSync(path, target);
  fsyncDir(dir);
  return target;
}
