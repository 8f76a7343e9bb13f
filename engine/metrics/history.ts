import { severityRank } from '../advisories/index.js';
import type { RemediationProgress } from './progress.js';
import { iso } from './time.js';
import type { Timeline } from './timeline.js';
import { SEVERITIES, type ScopeMetrics, type Severity } from './types.js';
import { remediationIds, type HostVulnerability } from './vulnerabilities.js';

const DAY = 86_400_000;

/**
 * Open vulnerabilities by severity over the period, for the report's chart. A vulnerability is open on a host from
 * when the group knew of it until the ledger verified the remediation answering it there; one still open now (in
 * the host's current facts) stays open to the end. Sampled at up to 180 evenly spaced moments, both ends included.
 */
export function vulnerabilityHistory(timeline: Timeline, progress: RemediationProgress[], current: Map<string, HostVulnerability[]>, period: { from: number; to: number }): ScopeMetrics['history'] {
  const spans = new Map<string, { start: number; end: number; severity: Severity }>();
  const open = (host: string, id: string, start: number | undefined, end: number, severity: Severity) => {
    const key = `${host}\u0000${id}`;
    const s = start ?? period.to;
    const before = spans.get(key);
    if (!before) spans.set(key, { start: s, end, severity });
    else spans.set(key, { start: Math.min(before.start, s), end: Math.max(before.end, end), severity: severityRank(severity) > severityRank(before.severity) ? severity : before.severity });
  };
  for (const p of progress) {
    for (const h of p.hosts) {
      if (h.state === 'excluded') continue;
      for (const id of remediationIds(p.remediation)) open(h.host, id, (timeline.knewOfIds([id]) ?? timeline.knewOfRemediation(p.remediation))?.at, h.state === 'done' ? h.at : Infinity, p.remediation.severity as Severity);
    }
  }
  // A vulnerability only a remediation names (no advisory about it was imported) is known since that remediation was.
  const byRemediation = new Map(progress.map((p) => [`remediation:${p.remediation.id}`, p.remediation]));
  const knewOf = (v: HostVulnerability) => {
    const times = [timeline.knewOfIds([v.id])?.at, ...v.from.map((f) => (byRemediation.has(f) ? timeline.knewOfRemediation(byRemediation.get(f)!)?.at : undefined))].filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  };
  for (const [host, list] of current) for (const v of list) open(host, v.id, knewOf(v), Infinity, v.severity);

  const n = Math.min(180, Math.max(2, Math.ceil((period.to - period.from) / DAY) + 1));
  const times = Array.from({ length: n }, (_, k) => period.from + ((period.to - period.from) * k) / (n - 1));
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, new Array<number>(n).fill(0)])) as Record<Severity, number[]>;
  for (const span of spans.values()) {
    for (let k = 0; k < n; k++) if (span.start <= times[k]! && times[k]! < span.end) bySeverity[span.severity][k]!++;
  }
  return { times: times.map((t) => iso(Math.round(t))), bySeverity };
}
