import type { VulnerabilityEntry } from '../advisories/assess.js';
import type { Finding } from '../diff/types.js';
import type { HostRecord, RunRecord } from '../ledger/types.js';
import { judge, type AdmissionDecision } from './admission.js';
import type { ServedState } from './state.js';

/**
 * The JSON of GET /v1/hosts and /v1/hosts/{name}: what is open on a host, how old its facts are, its last run and
 * its admission verdict. Pure functions of the served state and a moment.
 */

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
const at = (s: Finding['source']) => `${s.file}:${s.line}${s.commit ? `@${s.commit.slice(0, 12)}` : ''}`;

export function lastRuns(runs: readonly RunRecord[]): Map<string, { run: RunRecord; host: HostRecord }> {
  const out = new Map<string, { run: RunRecord; host: HostRecord }>();
  for (const run of runs) for (const host of run.hosts) out.set(host.host, { run, host }); // oldest first: the last one stays
  return out;
}

function runView(last: { run: RunRecord; host: HostRecord } | undefined) {
  if (!last) return null;
  const { run, host } = last;
  const count = (r: string) => host.actions.filter((a) => a.result === r).length;
  return { id: run.id, kind: run.kind, status: run.status, startedAt: run.startedAt, ...(run.endedAt ? { endedAt: run.endedAt } : {}), commit: run.commit, hostStatus: host.status, actions: { total: host.actions.length, verified: count('verified'), failed: count('failed') } };
}

function openVulnerabilities(entries: readonly VulnerabilityEntry[]) {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<(typeof SEVERITIES)[number], number>;
  let open = 0;
  for (const e of entries) {
    if (!e.open) continue;
    open++;
    bySeverity[e.severity as keyof typeof bySeverity]++;
  }
  return { open, bySeverity };
}

export function admissionOf(state: ServedState, name: string, now: Date): AdmissionDecision {
  return judge(state.subjects.get(name)!, state.policy, now);
}

export function hostSummary(state: ServedState, runs: Map<string, { run: RunRecord; host: HostRecord }>, name: string, now: Date) {
  const h = state.input.model.hosts.get(name)!;
  const obs = state.input.hosts[name];
  const decision = admissionOf(state, name, now);
  return {
    name,
    system: h.system,
    ring: h.ring,
    baseline: h.baseline,
    observed: Boolean(obs?.facts),
    gatheredAt: obs?.facts?.gatheredAt ?? null,
    factsAgeSeconds: decision.factsAgeSeconds,
    ...(obs?.error ? { error: obs.error } : {}),
    findings: { open: obs?.diff?.findings.length ?? 0, excepted: obs?.diff?.suppressed.length ?? 0 },
    vulnerabilities: openVulnerabilities(state.vulnerabilities.get(name) ?? []),
    admission: decision.verdict,
    lastRun: runView(runs.get(name)),
  };
}

export function hostDetail(state: ServedState, runs: Map<string, { run: RunRecord; host: HostRecord }>, name: string, now: Date) {
  const h = state.input.model.hosts.get(name)!;
  const obs = state.input.hosts[name];
  const finding = (f: Finding) => ({ key: f.key, kind: f.kind, message: f.message, expected: f.expected, actual: f.actual, origin: f.origin.kind === 'remediation' ? { remediation: f.origin.id, severity: f.origin.severity } : { baseline: f.origin.name }, source: at(f.source) });
  return {
    ...hostSummary(state, runs, name, now),
    address: h.address,
    criticality: h.criticality ?? null,
    tags: h.tags ?? [],
    os: obs?.facts?.os ? `${obs.facts.os.id} ${obs.facts.os.versionId}` : null,
    findings: {
      open: (obs?.diff?.findings ?? []).map(finding),
      excepted: (obs?.diff?.suppressed ?? []).map((f) => ({ ...finding(f), exception: f.exception.id, expires: f.exception.expires })),
    },
    vulnerabilities: (state.vulnerabilities.get(name) ?? []).map((e) => ({
      vulnerability: e.vulnerability,
      ids: e.ids,
      advisories: e.advisories,
      severity: e.severity,
      sourcePackage: e.sourcePackage,
      installed: e.sourceVersion,
      ...(e.fixed ? { fixed: e.fixed } : {}),
      status: e.status,
      open: e.open,
      remediations: e.remediations.map((r) => ({ id: r.id, approved: r.approved })),
      ...(e.exception ? { exception: e.exception.id } : {}),
      ...(e.priority ? { priority: { tier: e.priority.tier, deadline: e.priority.deadline, overdue: e.priority.deadline < now.toISOString() } } : {}),
    })),
    admission: admissionOf(state, name, now),
  };
}
