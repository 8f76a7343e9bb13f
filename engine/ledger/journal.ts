import * as fs from 'node:fs';
import { join } from 'node:path';
import { JournalClosed, JournalWriteFailed, LedgerConflict } from '../errors/index.js';
import { commitRuns } from './commit.js';
import { foldJournal } from './fold.js';
import { encodeLine, lineHash, parseJournal } from './journal-format.js';
import { currentOwner } from './owner.js';
import { ensureStateDir, fsyncDir, locateRepo, type LedgerRepo } from './repo.js';
import { assertRunId } from './run-id.js';
import type { JournalEvent, RunRecord, RunStatus } from './types.js';
import { JOURNAL_DIR, setAside } from './recover.js';

/**
 * The journal of one run: every event is written and fsynced before append() returns, so that whatever the engine
 * did before a kill -9 or a power loss is on disk. finish() folds the events into a RunRecord, commits it to the
 * ledger and only then removes the file; a journal left behind is committed by recoverJournals().
 */
export class Journal {
  readonly runId: string;
  readonly path: string;
  private fd: number | null;
  private seq: number;
  private head: string;
  private size: number;
  private readonly events: JournalEvent[];

  private constructor(
    private readonly repo: LedgerRepo,
    path: string,
    fd: number,
    first: { event: JournalEvent & { t: 'run-start' }; line: string },
  ) {
    this.runId = first.event.run.id;
    this.path = path;
    this.fd = fd;
    this.seq = 1;
    this.head = lineHash(first.line);
    this.size = Buffer.byteLength(first.line) + 1;
    this.events = [first.event];
    // The apply engine passes these around as plain functions.
    this.append = this.append.bind(this);
    this.finish = this.finish.bind(this);
  }

  /**
   * Starts the journal of a run. The first line appears whole or not at all (written aside, fsynced, linked into
   * place), so a journal on disk always names its run and its owner process.
   */
  static async begin(repoRoot: string, run: JournalEvent & { t: 'run-start' }): Promise<Journal> {
    if (run?.t !== 'run-start') throw new TypeError('Journal.begin needs the run-start event');
    const id = assertRunId(run.run.id);
    const repo = await locateRepo(repoRoot);
    const path = join(repo.stateDir, JOURNAL_DIR, `${id}.jsonl`);
    const line = encodeLine(0, null, run, currentOwner());
    let fd: number;
    try {
      const dir = ensureStateDir(repo, JOURNAL_DIR);
      const tmp = `${path}.tmp`;
      const t = fs.openSync(tmp, 'w', 0o600);
      try {
        fs.writeSync(t, `${line}\n`);
        fs.fsyncSync(t);
      } finally {
        fs.closeSync(t);
      }
      try {
        fs.linkSync(tmp, path); // fails if the journal exists: a run id is never reused
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      fsyncDir(dir);
      fd = fs.openSync(path, 'a');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new JournalClosed(id, 'already exists: a run id is used once');
      throw new JournalWriteFailed(path, (e as Error).message, e);
    }
    return new Journal(repo, path, fd, { event: run, line });
  }

  /** Writes one event and fsyncs it; when this returns, the event survives a crash. */
  append(event: JournalEvent): void {
    if (this.fd === null) throw new JournalClosed(this.runId, 'is finished: nothing can be appended');
    const line = encodeLine(this.seq, this.head, event);
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    try {
      let off = 0;
      while (off < bytes.length) off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
      fs.fdatasyncSync(this.fd);
    } catch (e) {
      // Cut a partial line off again, so that the next append does not chain to half a line.
      try {
        fs.ftruncateSync(this.fd, this.size);
      } catch {
        /* the write error below is what matters */
      }
      throw new JournalWriteFailed(this.path, (e as Error).message, e);
    }
    this.size += bytes.length;
    this.seq++;
    this.head = lineHash(line);
    this.events.push(structuredClone(event));
  }

  /**
   * Ends the run: appends run-end, folds, commits to the ledger, and removes the journal only once the commit is
   * durable. If the commit fails the journal stays, and the next run's recoverJournals() commits it.
   */
  async finish(status: RunStatus, reason?: string): Promise<{ commit: string; record: RunRecord }> {
    if (this.fd === null) throw new JournalClosed(this.runId, 'is already finished');
    this.append({ t: 'run-end', at: new Date().toISOString(), status, ...(reason ? { reason } : {}) });
    fs.closeSync(this.fd);
    this.fd = null;
    const record = foldJournal(this.events, { id: this.runId });
    record.journal = { events: this.events.length, head: this.head, status: 'intact' };
    // What is on disk must be what this process wrote; if not, say so in the record (the memory copy is folded).
    const disk = parseJournal(fs.readFileSync(this.path, 'utf8'));
    if (disk.seal.head !== this.head || disk.seal.status !== 'intact') {
      record.journal.status = 'tampered';
      record.journal.problems = ['the journal file was changed while the run was writing it', ...(disk.seal.problems ?? [])];
    }
    const outcome = await commitRuns(this.repo, [record]);
    const stored = outcome.existing.get(this.runId);
    if (stored) {
      // Only a recovery that wrongly took a live journal can have done this; keep ours aside, lose nothing.
      if (stored.journal?.head === this.head) return { commit: outcome.tip!, record: stored };
      throw new LedgerConflict(this.runId, setAside(this.repo, this.path));
    }
    fs.rmSync(this.path, { force: true });
    fsyncDir(join(this.repo.stateDir, JOURNAL_DIR));
    return { commit: outcome.tip!, record };
  }
}
