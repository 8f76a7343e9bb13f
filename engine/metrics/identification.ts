import { severityRank } from '../advisories/index.js';
import type { RemediationProgress } from './progress.js';
import { iso } from './time.js';
import { timeMetric } from './time-metric.js';
import type { Timeline } from './timeline.js';
import type { Severity, TimedItem, TimeMetric } from './types.js';
import { remediationIds, type HostAssessment } from './vulnerabilities.js';

/**
 * Response time for vulnerability and patch identification: from public disclosure (the earliest `published` of
 * the advisories about it) to the group knowing (the first import of any of them, or the first commit of a
 * remediation naming it, whichever came first). Only vulnerabilities that concern the scope count: open on one of
 * its hosts now, or answered by a remediation that was relevant to one of them. Knowing before publication (an
 * embargoed notice) counts as zero. An item counts in the period the group learned of it in.
 */
export function identificationMetric(timeline: Timeline, assessments: HostAssessment[], progress: RemediationProgress[], period: { from: number; to: number }): TimeMetric {
  const hints = new Map<string, Severity>();
  const hint = (id: string, s: Severity) => {
    const before = hints.get(id);
    if (!before || severityRank(s) > severityRank(before)) hints.set(id, s);
  };
  for (const a of assessments) for (const v of a.vulnerabilities) hint(v.id, v.severity);
  for (const p of progress) {
    if (!p.hosts.some((h) => h.state !== 'excluded')) continue;
    // The vulnerabilities it answers (its CVEs), not the advisories that announced them.
    if (!(p.remediation.advisories ?? []).length) continue;
    for (const id of remediationIds(p.remediation)) hint(id, p.remediation.severity as Severity);
  }
  const seen = new Set<string>();
  const items: TimedItem[] = [];
  for (const id of [...hints.keys()].sort()) {
    if (seen.has(id)) continue;
    const group = timeline.groups.get(id);
    const ids = group ? group.ids : [id];
    for (const i of ids) seen.add(i);
    const knew = timeline.knewOfIds(ids);
    if (!knew || knew.at < period.from || knew.at > period.to) continue;
    let severity: Severity = group?.severity ?? 'unknown';
    if (severity === 'unknown') for (const i of ids) if (hints.has(i) && severityRank(hints.get(i)!) > severityRank(severity)) severity = hints.get(i)!;
    const published = timeline.publishedOf(ids);
    const primary = ids.find((i) => hints.has(i) && i.startsWith('CVE-')) ?? ids[0]!;
    if (published === undefined) {
      items.push({ id: primary, severity, ids, start: iso(knew.at), knewFrom: knew.from, note: 'no publication date in any advisory about it' });
      continue;
    }
    items.push({ id: primary, severity, ids, start: iso(published), end: iso(knew.at), seconds: Math.max(0, knew.at - published) / 1000, knewFrom: knew.from });
  }
  return timeMetric('identification-time', items);
}
