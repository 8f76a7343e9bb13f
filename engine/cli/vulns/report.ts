import type { HostVulnerabilities, VulnerabilityEntry } from '../../advisories/assess.js';
import type { MirrorPackages } from '../../advisories/mirror-index.js';
import { SEVERITIES, type Severity } from '../../advisories/types.js';
import { tallyManual, type ManualItem, type ManualTally } from '../../manual/status.js';
import type { Policy } from '../../prioritize/policy.js';

/**
 * `plumb vulns --json`: the report, and the per-system summaries and work list computed from it. Pure: the
 * human rendering (render.ts) is a view on this value.
 */

export interface HostReport extends HostVulnerabilities {
  /** Manual remediations that select the host, with their state (engine/manual). */
  manual?: ManualItem[];
  /** The host could not be examined; it has no entries. */
  error?: { code: string; message: string };
}

export interface Tally {
  hosts: number;
  /** Hosts with at least one open vulnerability. */
  vulnerableHosts: number;
  unreachable: number;
  /** Open vulnerabilities (host × vulnerability × source package). */
  open: number;
  /** … of which the fix is on the mirror. */
  fixOnMirror: number;
  /** … answered by a remediation approved for the host's ring (waiting to be applied). */
  approved: number;
  /** … answered by a remediation that is not approved for the host's ring (or does not select it). */
  awaitingApproval: number;
  /** … with no remediation at all: what `plumb propose` would write. */
  withoutRemediation: number;
  /** Not open: an exception excuses it. */
  excepted: number;
  /** Not open: a VEX statement says the package is not affected. */
  suppressed: number;
  bySeverity: Record<Severity, number>;
  /** Manual remediations (host × remediation): done only when attested and, where a check exists, verified. */
  manual: ManualTally;
}

export interface WorkListEntry {
  host: string;
  system: string;
  vulnerability: string;
  advisories: string[];
  sourcePackage: string;
  severity: Severity;
  tier: string;
  score: number;
  deadline: string;
  overdue: boolean;
  reasons: NonNullable<VulnerabilityEntry['priority']>['reasons'];
  fixOnMirror: boolean | null;
  remediation: string | null;
  approved: boolean;
}

export interface VulnsReport {
  version: 1;
  generatedAt: string;
  /** The desired-state commit judged against (null: the working tree). */
  commit: string | null;
  advisories: number;
  /** The mirrors read (null: not consulted). */
  mirrors: Array<{ url: string; platform: string; suites: MirrorPackages['suites'] }> | null;
  hosts: HostReport[];
  systems: Array<{ system: string } & Tally>;
  summary: Tally;
  /** Open vulnerabilities in work order: tier, deadline, score (with --worklist). */
  worklist?: WorkListEntry[];
  /** Manual work not done, overdue first, then by due date (with --worklist). */
  manualWork?: ManualItem[];
}

export function emptyTally(): Tally {
  return { hosts: 0, vulnerableHosts: 0, unreachable: 0, open: 0, fixOnMirror: 0, approved: 0, awaitingApproval: 0, withoutRemediation: 0, excepted: 0, suppressed: 0, bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>, manual: tallyManual([]) };
}

export function tallyHost(t: Tally, h: HostReport): void {
  t.hosts++;
  if (h.error) t.unreachable++;
  let open = 0;
  for (const e of h.entries) {
    if (e.status === 'not-affected') t.suppressed++;
    else if (e.exception) t.excepted++;
    if (!e.open) continue;
    open++;
    t.open++;
    t.bySeverity[e.severity]++;
    if (e.mirror.available) t.fixOnMirror++;
    const best = e.remediations[0];
    if (!best) t.withoutRemediation++;
    else if (best.approved) t.approved++;
    else t.awaitingApproval++;
  }
  if (open) t.vulnerableHosts++;
  const m = tallyManual(h.manual ?? []);
  for (const k of Object.keys(m) as Array<keyof ManualTally>) t.manual[k] += m[k];
}

export function buildReport(input: { generatedAt: Date; commit: string | null; advisories: number; mirrors: readonly MirrorPackages[] | null; hosts: HostReport[]; policy: Policy; worklist: boolean }): VulnsReport {
  const hosts = [...input.hosts].sort((a, b) => cmp(a.system, b.system) || cmp(a.host, b.host));
  const summary = emptyTally();
  const systems = new Map<string, Tally>();
  for (const h of hosts) {
    tallyHost(summary, h);
    let t = systems.get(h.system);
    if (!t) systems.set(h.system, (t = emptyTally()));
    tallyHost(t, h);
  }
  return {
    version: 1,
    generatedAt: input.generatedAt.toISOString(),
    commit: input.commit,
    advisories: input.advisories,
    mirrors: input.mirrors ? input.mirrors.map((m) => ({ url: m.mirror.url, platform: `${m.mirror.platform.os}${m.mirror.platform.versions ? ` ${m.mirror.platform.versions}` : ''}`, suites: m.suites })) : null,
    hosts,
    systems: [...systems.entries()].map(([system, t]) => ({ system, ...t })),
    summary,
    ...(input.worklist ? { worklist: workList(hosts, input.policy), manualWork: manualWorkList(hosts) } : {}),
  };
}

/** Open vulnerabilities across the hosts, in the prioritization's order: tier, deadline, score, host. */
export function workList(hosts: readonly HostReport[], policy: Policy): WorkListEntry[] {
  const rank = new Map(policy.tiers.map((t, i) => [t.name, i]));
  const out: WorkListEntry[] = [];
  for (const h of hosts) {
    for (const e of h.entries) {
      if (!e.open || !e.priority) continue;
      const best = e.remediations[0];
      out.push({
        host: h.host,
        system: h.system,
        vulnerability: e.vulnerability,
        advisories: e.advisories,
        sourcePackage: e.sourcePackage,
        severity: e.severity,
        tier: e.priority.tier,
        score: e.priority.score,
        deadline: e.priority.deadline,
        overdue: e.priority.overdue,
        reasons: e.priority.reasons,
        fixOnMirror: e.mirror.available,
        remediation: best?.id ?? null,
        approved: Boolean(best?.approved),
      });
    }
  }
  return out.sort((a, b) => (rank.get(a.tier) ?? 99) - (rank.get(b.tier) ?? 99) || cmp(a.deadline, b.deadline) || b.score - a.score || cmp(a.host, b.host) || cmp(a.vulnerability, b.vulnerability) || cmp(a.sourcePackage, b.sourcePackage));
}

/** Manual work that is not done: overdue first, then by due date, host and remediation. */
export function manualWorkList(hosts: readonly HostReport[]): ManualItem[] {
  return hosts
    .flatMap((h) => (h.manual ?? []).filter((m) => m.state !== 'done'))
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || cmp(a.deadline, b.deadline) || cmp(a.host, b.host) || cmp(a.remediation, b.remediation));
}

/** Code-unit order: the same everywhere, and much cheaper than localeCompare over a fleet's work list. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 0: nothing open; 2: vulnerabilities or manual work open (like plan's "changes pending"); 1: a host could not be examined. */
export function exitCodeFor(report: VulnsReport): number {
  if (report.summary.unreachable) return 1;
  return report.summary.open || report.summary.manual.total > report.summary.manual.done ? 2 : 0;
}
