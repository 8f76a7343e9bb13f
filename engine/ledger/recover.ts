import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import { commitRuns } from './commit.js';
import { foldJournal } from './fold.js';
import { parseJournal, type JournalOwner } from './journal-format.js';
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
  /** The journal folded as it is now, marked recovered. */
  record: RunRecord;
}

/** Every journal left in .plumb/journal, folded, with whether it may be recovered. Reads only. */
export async function inspectJournals(repoRoot: string): Promise<JournalInfo[]> {
  return listJournals(await locateRepo(repoRoot));
}

function listJournals(repo: LedgerRepo): JournalInfo[] {
  const out: JournalInfo[] = [];
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
      const record = foldJournal(parsed.events, { id });
      if (record.id !== id) {
        // The file name is what begin() checked; a run-start naming another run is damage, and must not block recovery.
        (record.anomalies ??= []).push(`the journal file is named ${id} but its run-start names run ${String(record.id)}`);
        if (!isRunId(String(record.id))) record.id = id;
      }
      record.recovered = true;
      record.journal = parsed.seal;
      out.push({ id, path, owner: parsed.owner, record, state: conflict ? 'conflict' : journalState(parsed.owner, mtime) });
    }
  }
  return out;
}

function journalState(owner: JournalOwner | undefined, mtime: number): JournalInfo['state'] {
  if (!owner) return Date.now() - mtime > ANONYMOUS_STALE_MS ? 'interrupted' : 'running';
  const s = ownerState(owner);
  return s === 'dead' ? 'interrupted' : s === 'alive' ? 'running' : 'foreign';
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
