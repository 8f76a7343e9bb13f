import type { VulnerabilityEntry } from '../advisories/assess.js';
import type { HostDiff } from '../diff/types.js';
import { endOf } from '../model/rules/expiry.js';
import type { AdmissionVerdict, HostEntry, Model, Severity } from '../model/types.js';
import { parseDuration } from '../prioritize/policy.js';

/**
 * Network admission (SP 800-40 2.9.3): whether a host may join the network — admit, quarantine or deny — and why,
 * from the inventory's `admission` policy. Two pure steps: `admissionSubject` keeps what the verdict depends on
 * (computed once per refresh of the served state), `judge` applies the policy at a moment (cheap enough for every
 * request, so facts going stale and deadlines passing take effect at the second they happen, not at the next refresh).
 */

export type Verdict = AdmissionVerdict;
const RANK: Record<Verdict, number> = { admit: 0, quarantine: 1, deny: 2 };

export interface AdmissionPolicy {
  factsMaxAgeSeconds: number;
  staleFacts: Verdict;
  overdue: Verdict;
  overdueSeverities: Severity[];
  noncompliant: Verdict;
  compromised: Verdict;
  /** `file:line` of the inventory's admission section; absent when every default applies. */
  source?: string;
}

export const DEFAULT_ADMISSION: AdmissionPolicy = { factsMaxAgeSeconds: 24 * 3600, staleFacts: 'quarantine', overdue: 'quarantine', overdueSeverities: ['critical'], noncompliant: 'quarantine', compromised: 'deny' };

export function admissionPolicyOf(model: Pick<Model, 'admission'>): AdmissionPolicy {
  const a = model.admission;
  if (!a) return DEFAULT_ADMISSION;
  return {
    factsMaxAgeSeconds: a.facts_max_age === undefined ? DEFAULT_ADMISSION.factsMaxAgeSeconds : parseDuration(a.facts_max_age),
    staleFacts: a.stale_facts ?? DEFAULT_ADMISSION.staleFacts,
    overdue: a.overdue ?? DEFAULT_ADMISSION.overdue,
    overdueSeverities: a.overdue_severities ?? DEFAULT_ADMISSION.overdueSeverities,
    noncompliant: a.noncompliant ?? DEFAULT_ADMISSION.noncompliant,
    compromised: a.compromised ?? DEFAULT_ADMISSION.compromised,
    source: `${a.source.file}:${a.source.line}`,
  };
}

/** An open vulnerability with a deadline: from the prioritization (an advisory match) or a remediation's deadline. */
export interface Deadline {
  /** CVE or advisory id, or the remediation id. */
  id: string;
  severity: Severity;
  /** ISO time. */
  deadline: string;
  /** `advisory` (tier or KEV due date) or `remediation:PLB-…` (its deadline field). */
  from: string;
}

/** What the verdict about one host depends on; plain data (it crosses into the HTTP layer as is). */
export interface AdmissionSubject {
  host: string;
  system: string;
  compromised?: { since: string; reason: string; ticket?: string };
  /** When the host's facts were gathered; null: never (error says why, when known). */
  gatheredAt: string | null;
  factsError?: string;
  /** Keys of open findings against the host's baseline (exceptions already applied by the diff). */
  noncompliant: string[];
  /** Open vulnerabilities of the watched severities that have a deadline, soonest first. */
  deadlines: Deadline[];
}

export interface AdmissionReason {
  rule: 'compromised' | 'overdue' | 'noncompliant' | 'stale-facts';
  /** What this rule gives; `admit` means the rule only reports. */
  verdict: Verdict;
  message: string;
}

export interface AdmissionDecision {
  host: string;
  system: string;
  verdict: Verdict;
  /** Strictest first. Empty for a host that breaks no rule. */
  reasons: AdmissionReason[];
  /** Seconds since the facts were gathered at the moment judged; null without facts. */
  factsAgeSeconds: number | null;
  judgedAt: string;
}

/** Everything the verdict depends on, from the host's diff and its assessed vulnerabilities. Pure. */
export function admissionSubject(model: Pick<Model, 'remediations'>, host: HostEntry, policy: AdmissionPolicy, obs: { gatheredAt: string | null; error?: { code: string; message: string }; diff: HostDiff | null; vulnerabilities: readonly VulnerabilityEntry[] }): AdmissionSubject {
  const watched = new Set<string>(policy.overdueSeverities);
  const deadlines: Deadline[] = [];
  for (const e of obs.vulnerabilities) {
    if (e.open && e.priority && watched.has(e.severity)) deadlines.push({ id: e.vulnerability, severity: e.severity as Severity, deadline: e.priority.deadline, from: 'advisory' });
  }
  const seen = new Set<string>();
  for (const f of obs.diff?.findings ?? []) {
    if (f.origin.kind !== 'remediation' || !watched.has(f.origin.severity) || seen.has(f.origin.id)) continue;
    seen.add(f.origin.id);
    const r = model.remediations.get(f.origin.id);
    if (r?.deadline) deadlines.push({ id: r.id, severity: f.origin.severity, deadline: new Date(endOf(r.deadline)).toISOString(), from: `remediation:${r.id}` });
  }
  deadlines.sort((a, b) => (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : a.id < b.id ? -1 : 1));
  return {
    host: host.name,
    system: host.system,
    ...(host.compromised ? { compromised: { since: host.compromised.since, reason: host.compromised.reason, ...(host.compromised.ticket ? { ticket: host.compromised.ticket } : {}) } } : {}),
    gatheredAt: obs.gatheredAt,
    ...(obs.gatheredAt === null && obs.error ? { factsError: obs.error.code } : {}),
    noncompliant: [...new Set((obs.diff?.findings ?? []).filter((f) => f.origin.kind === 'baseline').map((f) => f.key))].sort(),
    deadlines,
  };
}

const LISTED = 5;
const list = (items: string[]) => `${items.slice(0, LISTED).join(', ')}${items.length > LISTED ? `, … (${items.length - LISTED} more)` : ''}`;

/** The verdict at `now`: the strictest verdict of the rules the host breaks, with every reason. Pure and cheap. */
export function judge(s: AdmissionSubject, policy: AdmissionPolicy, now: Date): AdmissionDecision {
  const t = now.getTime();
  const reasons: AdmissionReason[] = [];
  if (s.compromised) reasons.push({ rule: 'compromised', verdict: policy.compromised, message: `marked compromised since ${s.compromised.since}${s.compromised.ticket ? ` (${s.compromised.ticket})` : ''}: ${s.compromised.reason}` });
  const overdue = s.deadlines.filter((d) => Date.parse(d.deadline) < t);
  if (overdue.length) reasons.push({ rule: 'overdue', verdict: policy.overdue, message: `${overdue.length} ${policy.overdueSeverities.join('/')} vulnerabilit${overdue.length === 1 ? 'y' : 'ies'} past the deadline: ${list(overdue.map((d) => `${d.id} (${d.severity}, due ${d.deadline.slice(0, 10)})`))}` });
  if (s.noncompliant.length) reasons.push({ rule: 'noncompliant', verdict: policy.noncompliant, message: `${s.noncompliant.length} open finding${s.noncompliant.length === 1 ? '' : 's'} against the baseline: ${list(s.noncompliant)}` });
  const age = s.gatheredAt === null ? null : Math.max(0, Math.floor((t - Date.parse(s.gatheredAt)) / 1000));
  if (age === null) reasons.push({ rule: 'stale-facts', verdict: policy.staleFacts, message: `no facts were ever gathered${s.factsError ? ` (${s.factsError})` : ''}` });
  else if (age > policy.factsMaxAgeSeconds) reasons.push({ rule: 'stale-facts', verdict: policy.staleFacts, message: `facts are ${formatAge(age)} old, more than the ${formatAge(policy.factsMaxAgeSeconds)} allowed` });
  reasons.sort((a, b) => RANK[b.verdict] - RANK[a.verdict]);
  const verdict = reasons.reduce<Verdict>((v, r) => (RANK[r.verdict] > RANK[v] ? r.verdict : v), 'admit');
  return { host: s.host, system: s.system, verdict, reasons, factsAgeSeconds: age, judgedAt: now.toISOString() };
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 2 * 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** Exit code of `plumb admit`: 0 admit, 3 quarantine, 4 deny. */
export const EXIT_CODE: Record<Verdict, number> = { admit: 0, quarantine: 3, deny: 4 };
