import type { Origin, FindingKind } from '../diff/types.js';
import type { ActionBody, ApprovalRef } from '../plan/action.js';

/**
 * The ledger: an append-only, hash-chained record of every run. While a run goes, its events are appended and
 * fsynced to a journal file; at the end the folded RunRecord is committed (one commit per run) on the ledger ref
 * of the desired-state repository. A journal left behind by a crash is committed by the next run, marked recovered.
 */
export const LEDGER_REF = 'refs/plumbline/ledger';

export type RunKind = 'apply' | 'reconcile' | 'rollback' | 'rehearse' | 'rebuild';
/**
 * stopped: SIGINT/SIGTERM; the work in flight was finished (or, after a second signal, left to the host) and recorded.
 * running: only ever shown for a journal whose owner is alive (plumb history); never committed.
 */
export type RunStatus = 'completed' | 'halted' | 'failed' | 'interrupted' | 'stopped' | 'running';

export type ActionResult =
  /** Applied, and the re-gathered facts no longer show its finding. */
  | 'verified'
  /** Applied, but the finding is still there after re-gathering. */
  | 'unverified'
  | 'failed'
  /** Not attempted: an earlier action of the host failed, the host was outside its window, the ring was halted … */
  | 'skipped'
  /** Applied, then undone because a later action of the host failed. */
  | 'restored';

export interface ActionRecord {
  /** The plan's action id, `host#n`. */
  id: string;
  type: ActionBody['type'];
  /** The action's parameters (package and version, path and sha256, key and value …), without file contents. */
  params: Record<string, unknown>;
  finding: string;
  findingKind: FindingKind;
  origin: Origin;
  /** `file:line@commit` of the requirement. */
  source: string;
  approval?: ApprovalRef;
  before: string | null;
  after: string | null;
  result: ActionResult;
  /** The finding had been verified fixed by an earlier run: something undid it. */
  regression?: { run: string; verifiedAt: string };
  startedAt?: string;
  appliedAt?: string;
  verifiedAt?: string;
  error?: { code: string; message: string };
  skipReason?: string;
  /** What a re-gather found on the host for this action's subject when its outcome had been uncertain (engine/apply/settle.ts). */
  observed?: Observation;
  /** The later run that re-gathered the host and recorded this action's real outcome. */
  settledIn?: string;
}

/**
 * What the host showed for an action's subject when plumb looked again: the state the action intended (`after`),
 * the state before it (`before`), something else (`other`), or nothing could be seen (`unknown`, with why).
 */
export interface Observation {
  state: 'after' | 'before' | 'other' | 'unknown';
  /** The value seen, in the terms of the action's before/after (a version, a mode, sha256:…, a state). */
  value?: string | null;
  why?: string;
  at: string;
}

/** The truth about a host whose outcome had been uncertain: what a re-gather showed, compared with what the run intended. */
export interface HostOutcome {
  /**
   * applied: every attempted action's change is on the host; restored: the host shows the state before the run (a
   * restore was done); unchanged: before state, nothing had taken effect; partial: some changes are on the host (named
   * in `applied`); unknown: the host could not be examined (why in `reason`).
   */
  state: 'applied' | 'restored' | 'unchanged' | 'partial' | 'unknown';
  applied?: string[];
  reason?: string;
  at: string;
  /** Set when a later run recorded it (at its first contact with the host). */
  settledIn?: string;
}

/** A package transaction (or its restore) run on the host under plumb's detached supervisor, in the host-side journal. */
export interface HostTransaction {
  step: 'packages' | 'restore';
  /** Its folder on the host: /var/lib/plumbline/txn/<run>.<step>. */
  dir: string;
  startedAt: string;
  /** Exit status as the host-side journal recorded it; absent while unknown. */
  code?: number;
}

export interface HostRecord {
  host: string;
  system: string;
  ring: string;
  /** in-progress: only in a journal whose run is still going (plumb history); never committed. */
  status: 'changed' | 'unchanged' | 'failed' | 'restored' | 'skipped' | 'in-progress';
  skipReason?: string;
  /** Where the host keeps this run's file backups (a folder on the host, with manifest.json). */
  backup?: string;
  /** Package versions before the run, for every package the run touched (null: not installed). */
  packagesBefore: Record<string, string | null>;
  /** Package versions after the run, likewise. */
  packagesAfter?: Record<string, string | null>;
  factsDigestBefore?: string;
  factsDigestAfter?: string;
  actions: ActionRecord[];
  startedAt?: string;
  endedAt?: string;
  error?: { code: string; message: string };
  /** Package transactions run on the host under its supervisor. */
  txns?: HostTransaction[];
  /** Set when the outcome needed a re-gather to be known (a failure, a cut, a kill, a restore): what it showed. */
  outcome?: HostOutcome;
}

export interface RingRecord {
  ring: string;
  status: 'completed' | 'halted' | 'waiting' | 'skipped';
  /** Why a ring halted or waits: failure threshold, soak time of an earlier ring … */
  reason?: string;
  failed: number;
  attempted: number;
  /** Emergency approvals let this ring skip windows or soak. */
  emergency?: boolean;
}

export interface RunRecord {
  /** Sortable and unique: 20261125T143000Z-ab12cd. */
  id: string;
  kind: RunKind;
  status: RunStatus;
  /** Set on a run whose journal a later run committed after a crash. */
  recovered?: boolean;
  startedAt: string;
  endedAt?: string;
  /** The desired-state commit the run applied (null for the working tree). */
  commit: string | null;
  ref?: string;
  factsDigest?: string;
  /** Every approval any action of the run relied on. */
  approvals: ApprovalRef[];
  operator: { user: string; hostname: string };
  /** For a rollback: the run it undoes. */
  rollbackOf?: string;
  rings: RingRecord[];
  hosts: HostRecord[];
  /** The journal this record was folded from: how many events, the sha256 of its last line, and whether its chain held. */
  journal?: JournalSeal;
  /** Events the fold could not place (an action the host never announced, a second run-start …): a writer bug or a damaged journal. */
  anomalies?: string[];
  /** Why the run stopped early (a signal), when it did. */
  stopReason?: string;
  /**
   * For a rebuild (plumb rebuild): the incident it closes (SP 800-40 4.4) — the quarantine (since, reason, ticket),
   * how the host was rebuilt (the lab's standard image, or by other means, recorded by whom), the host keys it had
   * and the new ones pinned. `lifted` is set when the rebuild was verified and the quarantine lifted.
   */
  incident?: Incident;
  /** Outcomes of earlier runs' hosts that this run re-gathered at its first contact and recorded (readers overlay them, ledger/settle.ts). */
  settles?: Settlement[];
}

/** The recorded truth about one host of an earlier run (or of this run, in its journal). */
export interface Settlement {
  /** The run whose actions these are. */
  run: string;
  host: string;
  outcome: HostOutcome;
  actions: Array<{ id: string; observed: Observation }>;
}

/** What a record says about its journal, so that the commit vouches for the exact lines it was folded from. */
export interface JournalSeal {
  /** Events read from the journal (complete lines). */
  events: number;
  /** sha256 (hex) of the last complete line: the head of the hash chain. */
  head: string | null;
  /**
   * intact: every line chains to the one before; truncated: the beginning is missing (no run-start at seq 0);
   * tampered: a line does not parse, is out of sequence, or does not carry the hash of the line before it.
   */
  status: 'intact' | 'truncated' | 'tampered';
  /** Where the chain broke, line by line. */
  problems?: string[];
  /** The last line was cut short (a crash in the middle of a write); its event had not been acknowledged and is left out. */
  torn?: boolean;
}

/** What the journal holds, one JSON object per line, each carrying the sha256 of the line before it. */
export type JournalEvent =
  | { t: 'run-start'; at: string; run: Omit<RunRecord, 'hosts' | 'rings' | 'status' | 'endedAt'> }
  | { t: 'host-start'; at: string; host: Omit<HostRecord, 'actions' | 'status'> & { actions: Array<Omit<ActionRecord, 'result'>> } }
  | { t: 'backup'; at: string; host: string; backup: string }
  | { t: 'action-start'; at: string; host: string; action: string }
  | { t: 'action-applied'; at: string; host: string; action: string }
  | { t: 'action-failed'; at: string; host: string; action: string; error: { code: string; message: string } }
  | { t: 'action-skipped'; at: string; host: string; action: string; reason: string }
  | { t: 'host-restored'; at: string; host: string; actions: string[] }
  /** `failure`: the host was meant to change and could not be reached or prepared: it counts against its ring's threshold. */
  | { t: 'host-skipped'; at: string; host: string; system: string; ring: string; reason: string; failure?: { code: string; message: string } }
  | { t: 'txn'; at: string; host: string; txn: HostTransaction }
  /** The truth after a re-gather; `run` names an earlier run when this run settles that run's host at first contact. */
  | { t: 'settled'; at: string; host: string; run?: string; outcome: HostOutcome; actions: Array<{ id: string; observed: Observation }> }
  | { t: 'verified'; at: string; host: string; verified: string[]; unverified: string[]; packagesAfter?: Record<string, string | null>; factsDigestAfter?: string }
  | { t: 'host-end'; at: string; host: string; status: HostRecord['status']; error?: { code: string; message: string } }
  | { t: 'ring'; at: string; ring: RingRecord }
  | { t: 'run-end'; at: string; status: RunStatus; reason?: string };

export interface Incident {
  host: string;
  quarantine: { since: string; reason: string; ticket?: string };
  rebuild: { how: 'lab-image' | 'recorded'; by?: string; at: string };
  previousHostKeys: string[];
  newHostKeys: string[];
}
