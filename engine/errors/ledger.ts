import { PlumbError } from './base.js';

/** A run id that is not of the form newRunId makes: it names files and tree paths, so nothing else is accepted. */
export class InvalidRunId extends PlumbError {
  constructor(id: string) {
    super('E_RUN_ID', `'${id}' is not a run id`, { hint: 'run ids look like 20261125T143000Z-ab12cd (UTC start time and 6 hex digits)', data: { id } });
  }
}

/** The journal file of a run cannot be created or written: the run must not go on unrecorded. */
export class JournalWriteFailed extends PlumbError {
  constructor(path: string, detail: string, cause?: unknown) {
    super('E_JOURNAL', `cannot write the run journal ${path}: ${detail}`, {
      hint: 'check free space and permissions of the .plumb/ folder in the repository',
      data: { path },
      cause,
    });
  }
}

/** A journal was used after finish(), or begun twice for the same run. */
export class JournalClosed extends PlumbError {
  constructor(runId: string, what: string) {
    super('E_JOURNAL_CLOSED', `the journal of run ${runId} ${what}`, { data: { runId } });
  }
}

/** Somebody else holds the ledger ref's lock file for longer than a ledger update ever takes. */
export class LedgerLocked extends PlumbError {
  constructor(path: string, holder: string) {
    super('E_LEDGER_LOCKED', `the ledger ref is locked by ${holder} (${path})`, {
      hint: `if no git or plumb process is running on this repository, the lock is left over from a crash: remove ${path}`,
      data: { path },
    });
  }
}

/** The ledger ref kept moving while this process tried to add to it. */
export class LedgerBusy extends PlumbError {
  constructor(attempts: number) {
    super('E_LEDGER_BUSY', `the ledger ref changed under this process ${attempts} times in a row`, { hint: 'another process is writing the ledger continuously; try again' });
  }
}

/** The ledger ref holds something plumb did not write, or cannot be read. */
export class LedgerCorrupt extends PlumbError {
  constructor(message: string, data?: Record<string, unknown>, cause?: unknown) {
    super('E_LEDGER_CORRUPT', message, { hint: 'run `plumb history --verify` to see every problem of the ledger', data, cause });
  }
}

/** A run is already in the ledger with a different journal: the ledger keeps the first, the journal is kept aside. */
export class LedgerConflict extends PlumbError {
  constructor(runId: string, kept: string) {
    super('E_LEDGER_CONFLICT', `run ${runId} is already in the ledger with a different journal`, {
      hint: `the journal was kept as ${kept}; compare it with \`plumb history --run ${runId}\``,
      data: { runId, kept },
    });
  }
}

/** PLUMB_LEDGER_AUTHOR is not `Name <email>`. */
export class InvalidLedgerAuthor extends PlumbError {
  constructor(value: string) {
    super('E_LEDGER_AUTHOR', `PLUMB_LEDGER_AUTHOR '${value}' is not of the form 'Name <email>'`, { hint: "for example PLUMB_LEDGER_AUTHOR='plumbline ci <ci@example.org>'" });
  }
}
