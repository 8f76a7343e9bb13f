/**
 * The ledger: every run's record, one commit per run on refs/plumbline/ledger of the desired-state repository.
 * See README.md for the storage layout, the journal format and the crash-safety argument.
 */
import { Journal } from './journal.js';
import { newRunId } from './run-id.js';

export * from './types.js';
export { Journal } from './journal.js';
export { newRunId, isRunId, runPath, runIdTime } from './run-id.js';
export { foldJournal } from './fold.js';
export { E_INTERRUPTED, E_EFFECT_UNKNOWN, E_HOST_STATE, isUncertain, needsSettlement, settleAction, settleHost, overlaySettlements, describeOutcome } from './settle.js';
export { parseJournal, type ParsedJournal, type JournalOwner } from './journal-format.js';
export { recoverJournals, inspectJournals, type JournalInfo, type RecoverOptions } from './recover.js';
export { readRuns, readLedger, sinceFilter, type Ledger, type LedgerEntry, type ReadRunsOptions } from './read.js';
export { verifiedIndex, type VerifiedIndex } from './verified.js';
export { verifyLedger, type LedgerProblem, type LedgerReport } from './verify.js';
export { serializeRun } from './record-file.js';
export { traceActions, actionSubject, actionNames, actionMatches, hostSubjects, type TraceEntry } from './trace.js';
/** Low level: commits finished records directly (imports, tests, benchmarks). Runs are recorded through Journal. */
export { commitRuns, type CommitOutcome } from './commit.js';
export { locateRepo } from './repo.js';
export { RunLease, readLease, leaseState, leasePath, LEASE_TTL_MS, type LeaseDoc } from './lease.js';

/** The ledger as engine/apply's LedgerPort wants it. */
export const ledger = {
  newRunId,
  begin: (repoRoot: string, start: Parameters<typeof Journal.begin>[1]) => Journal.begin(repoRoot, start),
};
