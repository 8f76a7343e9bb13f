import type { Model, RemediationEntry } from '../model/types.js';
import type { RemediationProgress } from './progress.js';
import { iso } from './time.js';
import { timeMetric } from './time-metric.js';
import type { Timeline } from './timeline.js';
import type { PhaseTimes, ScopeMetrics, Severity, TimedItem, TimeMetric } from './types.js';
import { remediationIds } from './vulnerabilities.js';

/** Critical patches: severity critical, or marked emergency. Everything else is non-critical. */
export function isCritical(r: RemediationEntry): boolean {
  return r.severity === 'critical' || r.emergency === true;
}

export function isEmergencyConfiguration(r: RemediationEntry): boolean {
  return r.kind === 'configuration' && r.emergency === true;
}

/**
 * The four phases of SP 800-40's patch response time, in its order, from clocks plumb has:
 *   analysis    knew → the remediation's file first committed (the group wrote down what to do)
 *   testing     the first approval → every relevant host of the first ring verified (only when the remediation
 *               spans more than one ring: the first ring is the test of the standard configuration)
 *   approval    waiting for the board: remediation committed → first approval, plus first ring verified → the
 *               approval that lets it reach the last ring, when that came later
 *   deployment  the later of (first ring verified, last approval) → every relevant host verified
 * Each moment is clamped between its predecessor and the end, so the phases are never negative and always add up
 * to the whole response time.
 */
export function phases(model: Model, timeline: Timeline, p: RemediationProgress, t0: number, t4: number): { phases: PhaseTimes; note?: string } {
  const r = p.remediation;
  const clamp = (x: number | undefined, lo: number) => Math.min(Math.max(x ?? lo, lo), t4);
  const ringIndex = new Map(model.rings.map((ring) => [ring.name, ring.index]));
  const relevant = p.hosts.filter((h) => h.state !== 'excluded');
  const order = relevant.map((h) => ringIndex.get(h.ring) ?? 0);
  const first = Math.min(...order);
  const last = Math.max(...order);
  const firstRing = model.rings.find((x) => x.index === first)?.name;
  const lastRing = model.rings.find((x) => x.index === last)?.name;
  const approvals = timeline.approvalsOf(r.id);
  const earliest = (ring: string | undefined) => {
    const times = approvals.filter((a) => !ring || a.approval.rings.includes(ring)).map((a) => a.at.at);
    return times.length ? Math.min(...times) : undefined;
  };
  const notes: string[] = [];
  if (!approvals.length) notes.push('no approval in the desired state: its wait counts as zero');
  const t1 = clamp(timeline.written(r)?.at, t0);
  const a1 = clamp(earliest(firstRing) ?? earliest(undefined), t1);
  const multiRing = first !== last;
  const firstDone = relevant.filter((h) => (ringIndex.get(h.ring) ?? 0) === first).map((h) => (h.state === 'done' ? h.at : t4));
  const tp = multiRing ? clamp(Math.max(...firstDone), a1) : a1;
  const aL = clamp(earliest(lastRing) ?? a1, a1);
  const s = (ms: number) => ms / 1000;
  return {
    phases: { analysis: s(t1 - t0), testing: s(tp - a1), approval: s(a1 - t1 + Math.max(0, aL - tp)), deployment: s(t4 - Math.max(tp, aL)) },
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

export interface ResponseMetrics {
  critical: TimeMetric;
  noncritical: TimeMetric;
  emergency: TimeMetric;
  latencies: ScopeMetrics['latencies'];
  rollout: ScopeMetrics['rollout'];
}

/**
 * Patch response time (critical and non-critical: remediations of kind patch) and emergency configuration response
 * time (kind configuration, emergency): from when the group knew to every relevant host verified. An item counts in
 * the period it completed in; items open at the period's end are listed with their age.
 */
export function responseMetrics(model: Model, timeline: Timeline, progress: RemediationProgress[], period: { from: number; to: number }): ResponseMetrics {
  const critical: TimedItem[] = [];
  const noncritical: TimedItem[] = [];
  const emergency: TimedItem[] = [];
  const latencies: ResponseMetrics['latencies'] = [];
  const rollout: ResponseMetrics['rollout'] = [];
  for (const p of progress) {
    const r = p.remediation;
    const relevant = p.hosts.filter((h) => h.state !== 'excluded');
    if (!relevant.length) continue;
    const knew = timeline.knewOfRemediation(r);
    const completed = p.completedAt;
    const active = completed === undefined ? !knew || knew.at <= period.to : completed >= period.from;
    if (!active) continue;
    const severity = r.severity as Severity;
    rollout.push({
      remediation: r.id,
      title: r.title,
      severity,
      rings: model.rings
        .map((ring) => {
          const on = p.hosts.filter((h) => h.ring === ring.name);
          return { ring: ring.name, relevant: on.filter((h) => h.state !== 'excluded').length, done: on.filter((h) => h.state === 'done').length, excluded: on.filter((h) => h.state === 'excluded').length };
        })
        .filter((x) => x.relevant || x.excluded),
    });
    if (knew && r.kind === 'patch') {
      for (const h of relevant) {
        if (h.state === 'done' && h.at >= period.from) latencies.push({ remediation: r.id, host: h.host, severity, critical: isCritical(r), seconds: Math.max(0, h.at - knew.at) / 1000 });
      }
    }
    const list = r.kind === 'patch' ? (isCritical(r) ? critical : noncritical) : isEmergencyConfiguration(r) ? emergency : undefined;
    if (!list) continue;
    const item: TimedItem = {
      id: r.id,
      title: r.title,
      severity,
      ids: remediationIds(r),
      start: knew ? iso(knew.at) : '',
      hosts: { relevant: relevant.length, done: relevant.filter((h) => h.state === 'done').length },
      ...(knew ? { knewFrom: knew.from } : {}),
    };
    if (!knew) {
      list.push({ ...item, note: 'no start: the remediation is not committed and has no created date, and no advisory it names was imported' });
      continue;
    }
    if (completed !== undefined) {
      const ph = phases(model, timeline, p, knew.at, Math.max(completed, knew.at));
      list.push({ ...item, end: iso(completed), seconds: Math.max(0, completed - knew.at) / 1000, phases: ph.phases, ...(ph.note ? { note: ph.note } : {}) });
    } else list.push({ ...item, openSeconds: Math.max(0, period.to - knew.at) / 1000 });
  }
  return {
    critical: timeMetric('patch-response-critical', critical),
    noncritical: timeMetric('patch-response-noncritical', noncritical),
    emergency: timeMetric('emergency-configuration-response', emergency),
    latencies,
    rollout,
  };
}
