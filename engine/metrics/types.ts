import type { ManualItem, ManualTally } from '../manual/status.js';
import type { StoredAdvisory, Vulnerability } from '../advisories/index.js';
import type { HostDiff } from '../diff/types.js';
import type { Facts } from '../facts/types.js';
import type { RunRecord } from '../ledger/types.js';
import type { Model } from '../model/types.js';

/**
 * The metrics of NIST SP 800-40 v2.0 section 3 (table 3-1), computed from plain values. Everything here is data:
 * the I/O layer (engine/cli/metrics/inputs.ts) gathers a MetricsInput, computeMetrics turns it into a MetricsReport,
 * and the renderers (human, Markdown, Prometheus, the HTML report) are views on that report.
 */

export type MetricId =
  | 'vulnerability-ratio'
  | 'unapplied-patch-ratio'
  | 'network-service-ratio'
  | 'identification-time'
  | 'patch-response-critical'
  | 'patch-response-noncritical'
  | 'emergency-configuration-response'
  | 'group-cost'
  | 'administrator-support-cost'
  | 'software-cost'
  | 'failure-cost';

/** Advisories may be unrated (`unknown`); remediations always carry one of the first five. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

export type Statistic = 'median' | 'mean' | 'p90' | 'max';

/** A reviewed target for one metric: the figure must stay at or below `max` (or at or above `min`). */
export interface Target {
  max?: number;
  min?: number;
  /** Time metrics: which statistic is compared (default median). */
  statistic?: Statistic;
  /** Ratio metrics: the figure ignoring the perimeter (all, the default) or only what is exposed. */
  exposure?: 'all' | 'exposed';
  /** `file:line` of the target in the inventory. */
  source?: string;
}

/** Inbound traffic from outside the perimeter that reaches the hosts a rule selects (all given conditions hold). */
export interface PerimeterRule {
  name?: string;
  systems?: string[];
  tags?: string[];
  hosts?: string[];
  /** `443/tcp`, `8000-8100/tcp`, `53/udp`. An empty list: the perimeter blocks everything to these hosts. */
  allow: string[];
}

export interface StaffCost {
  name: string;
  /** Per year: given directly, or hours × hourly_rate. */
  annualCost?: number;
  hours?: number;
  hourlyRate?: number;
}

export interface SoftwareCost {
  name: string;
  annualMaintenance?: number;
  /** A purchase or an upgrade, written off over its expected life in years. */
  price?: number;
  priceKind?: 'purchase' | 'upgrade';
  expectedLife?: number;
}

export interface FailureCost {
  date: string;
  description: string;
  cost: number;
  cause?: 'compromise' | 'patch-failure' | 'other';
  system?: string;
}

export interface ProgramCosts {
  currency: string;
  group: StaffCost[];
  administratorSupport: StaffCost[];
  software: SoftwareCost[];
  failures: FailureCost[];
}

/** The reviewed program settings from the inventory: costs, targets, the perimeter, service weights. */
export interface ProgramSettings {
  costs?: ProgramCosts;
  targets: Partial<Record<MetricId, Target>>;
  perimeter: PerimeterRule[];
  /** Host tags meaning "reached from the internet" (the inventory policy's exposure_tags). */
  exposureTags: string[];
  /** `port/proto` → weight of a listening service in the network-service ratio (default 1). */
  serviceWeights: Record<string, number>;
}

/** When a repository file first appeared: written (earliest author date of a commit adding it) and merged. */
export interface FileDates {
  /** Earliest author date of a commit that added the file (any branch merged into the ref). */
  written: string;
  writtenCommit: string;
  /** Committer date of the first commit on the ref's first-parent line that has the file: when it landed. */
  merged?: string;
  mergedCommit?: string;
}

export interface CommitInfo {
  sha: string;
  date: string;
  author: string;
  subject: string;
}

export interface GitHistory {
  /** Repository path → when it first appeared. Empty when the repository has no history to read. */
  files: Record<string, FileDates>;
  /** Commits referenced by the ledger and the dates above, by full sha. */
  commits: Record<string, CommitInfo>;
}

/** What is known about one host right now. */
export interface HostObservation {
  /** null: the host could not be gathered (error says why). */
  facts: Facts | null;
  error?: { code: string; message: string };
  /** diffHost's result (open and suppressed findings); null without facts. */
  diff: HostDiff | null;
  /** matchHost's result against the advisory store; empty without facts. */
  vulnerabilities: Vulnerability[];
}

export interface MetricsInput {
  model: Model;
  /** ISO time the figures are computed at; also decides which exceptions are active. */
  now: string;
  period: { from: string; to: string };
  /** Per host of the model (hosts missing here count as not observed). */
  hosts: Record<string, HostObservation>;
  advisories: StoredAdvisory[];
  /** The ledger, oldest first. */
  runs: RunRecord[];
  git: GitHistory;
  program: ProgramSettings;
}

// ---- the report --------------------------------------------------------------------------------------------

export interface Stats {
  count: number;
  min: number;
  median: number;
  mean: number;
  p90: number;
  max: number;
}

interface MetricBase {
  id: MetricId;
  title: string;
  /** The unit of SP 800-40 table 3-1. */
  unit: string;
  /** SP 800-26 maturity level the metric belongs to (3, 4 or 5). */
  maturity: 3 | 4 | 5;
  target?: Target;
  /** Whether the target is met; null when there is no target or no figure to compare. */
  met: boolean | null;
  /** The figure the target was compared with. */
  compared?: number;
}

export interface Counted {
  all: number;
  exposed: number;
}

export interface RatioMetric extends MetricBase {
  kind: 'ratio';
  /** Hosts the ratio is taken over (hosts whose facts were gathered). */
  hosts: number;
  total: Counted;
  perHost: Counted;
  /** Network services only: the total with per-port weights (equal to total.all without weights). */
  weighted?: Counted;
  bySeverity: Partial<Record<Severity, { total: Counted; perHost: Counted }>>;
  /** Per host: the count, and whether the host is exposed. */
  items: Array<{ host: string; count: number; weighted?: number; exposed: number; hostExposed: boolean }>;
}

export interface PhaseTimes {
  analysis: number;
  testing: number;
  approval: number;
  deployment: number;
}

export interface TimedItem {
  /** Remediation id (response metrics) or the vulnerability's first id (identification). */
  id: string;
  title?: string;
  severity: Severity;
  /** Other ids of the vulnerability (identification) or the advisories a remediation names. */
  ids: string[];
  start: string;
  /** Absent while the item is open. */
  end?: string;
  seconds?: number;
  /** Open items: how long they have been open at the end of the period. */
  openSeconds?: number;
  phases?: PhaseTimes;
  /** Response metrics: hosts done / relevant. */
  hosts?: { relevant: number; done: number };
  /** Where the moment the group knew came from: an advisory's import, the commit that added a remediation … */
  knewFrom?: string;
  note?: string;
}

export interface TimeMetric extends MetricBase {
  kind: 'time';
  /** Completed items in the period (seconds). Absent with no completed item. */
  stats?: Stats;
  open: number;
  bySeverity: Partial<Record<Severity, Stats>>;
  /** Response metrics: median seconds of each phase over the completed items. */
  phases?: PhaseTimes;
  items: TimedItem[];
}

export interface Money {
  /** Exact value as a reduced fraction of currency units, e.g. "47500/3". */
  exact: string;
  /** Rounded to cents. */
  value: number;
  /** Whole currency units, half away from zero, with thousands separators: "15,833". */
  display: string;
}

export interface MoneyMetric extends MetricBase {
  kind: 'money';
  currency: string;
  amount: Money;
  /** Per year, or over the period (failures). */
  per: 'year' | 'period';
  items: Array<{ name: string; amount: Money; detail: string; date?: string }>;
}

export type Metric = RatioMetric | TimeMetric | MoneyMetric;

export interface ExcludedItem {
  host: string;
  /** deferral / false-positive: an approved exception; not-affected: a vendor VEX statement; under-investigation: unconfirmed. */
  kind: 'deferral' | 'false-positive' | 'not-affected' | 'under-investigation';
  /** The finding key or vulnerability id left out. */
  subject: string;
  remediation?: string;
  /** The exception id or the VEX statement's advisory. */
  by?: string;
  expires?: string;
  reason?: string;
}

export interface ScopeMetrics {
  /** The system, or null for the whole organization. */
  system: string | null;
  impact?: string;
  hosts: { total: number; observed: number; unobserved: string[] };
  /** Hosts with no open finding, of the observed ones. */
  compliance: { compliant: number; observed: number; percent: number | null };
  metrics: Metric[];
  excluded: ExcludedItem[];
  /** Chart data: open vulnerabilities by severity, sampled over the period. */
  history: { times: string[]; bySeverity: Record<Severity, number[]> };
  /** Chart data: per host and patch remediation, knew → that host verified. */
  latencies: Array<{ remediation: string; host: string; severity: Severity; critical: boolean; seconds: number }>;
  /**
   * Manual remediations (SP 800-40 4.1.5) on the scope's hosts: counted done only when attested and, where a check
   * exists, verified on the host's facts (engine/manual); `items` is the work not done, overdue first.
   */
  manual: { tally: ManualTally; items: ManualItem[] };
  /**
   * Compromised hosts (SP 800-40 4.4): those quarantined now, and the incidents closed in the period by a verified
   * rebuild (plumb rebuild), with the time from quarantine to rebuilt (seconds; median and max).
   */
  incidents: { quarantined: string[]; rebuilt: Array<{ host: string; run: string; since: string; rebuiltAt: string; seconds: number; ticket?: string }>; timeToRebuild: { median: number | null; max: number | null } };
  /** Chart data: per remediation active in the period, per ring: relevant, done and excluded hosts. */
  rollout: Array<{ remediation: string; title: string; severity: Severity; rings: Array<{ ring: string; relevant: number; done: number; excluded: number }> }>;
}

export interface MetricsReport {
  format: 'plumbline-metrics';
  version: 1;
  generatedAt: string;
  period: { from: string; to: string };
  /** The desired-state commit (null: the working tree). */
  commit: string | null;
  /** Set when the report was cut to one system. */
  scope: { system: string | null };
  systems: ScopeMetrics[];
  /** The whole organization; absent for a one-system report. */
  organization?: ScopeMetrics;
  /** Organization-wide; absent for a one-system report (costs are per organization). */
  costs?: MoneyMetric[];
}
