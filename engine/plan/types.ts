import type { Provenance } from '../model/problem.js';
import type { PlannedAction } from './action.js';

export const PLAN_FORMAT = 'plumbline/plan@1';

/** A remediation's finding that the board has not (or no longer) approved for this host's ring. */
export interface AwaitingApproval {
  remediation: string;
  regression?: { run: string; verifiedAt: string };
  finding: string;
  message: string;
  /** Why it is not planned: no approval for the ring, an expired approval … */
  reason: string;
  source: string;
}

export interface SuppressedEntry {
  finding: string;
  message: string;
  exception: string;
  kind: 'deferral' | 'false-positive';
  expires: string;
  source: string;
}

export interface UnresolvableEntry {
  finding: string;
  /** As on an action: the imported SCAP rules it fails. */
  controls?: Array<{ rule: string; cce: string[]; nist: string[] }>;
  message: string;
  why: string;
  source: string;
}

export interface PlanHost {
  host: string;
  address: string;
  system: string;
  ring: string;
  ringIndex: number;
  /** Digest of the facts this host's part was computed from; null when facts could not be gathered. */
  factsDigest: string | null;
  gatheredAt: string | null;
  actions: PlannedAction[];
  awaiting: AwaitingApproval[];
  suppressed: SuppressedEntry[];
  unresolvable: UnresolvableEntry[];
  unknown: Array<{ subject: string; reason: string; source: string }>;
  /** Set when the host could not be examined; nothing is planned for it. */
  error?: { code: string; message: string };
  /**
   * The host is marked compromised (quarantined, SP 800-40 4.4): patching does not remove a backdoor, so nothing
   * is planned for it but its rebuild (`plumb rebuild`); what would have been done is listed as unresolvable.
   */
  quarantined?: { since: string; reason: string; ticket?: string };
}

export interface PlanSummary {
  hosts: number;
  hostsChanging: number;
  actions: number;
  upgrades: number;
  installs: number;
  removals: number;
  /** Packages dpkg left in a broken state, repaired with dpkg --configure -a. */
  repairs?: number;
  configuration: number;
  reboots: number;
  awaitingApproval: number;
  suppressed: number;
  unresolvable: number;
  unreachable: number;
  /** Findings an earlier run had verified fixed: something undid them. */
  regressions: number;
}

/**
 * The plan: a documented JSON document (engine/plan/README.md). It carries what it was computed from — the
 * desired-state commit and a digest of the facts — so that `plumb apply` can refuse it once the world moved.
 */
export interface Plan {
  format: typeof PLAN_FORMAT;
  createdAt: string;
  commit: string | null;
  /** sha256 of the desired-state files the plan was computed from (covers uncommitted working trees too). */
  stateDigest: string;
  factsDigest: string;
  scope: { host?: string; system?: string; ring?: string };
  rings: string[];
  hosts: PlanHost[];
  summary: PlanSummary;
}

export type { PlannedAction, Provenance };
