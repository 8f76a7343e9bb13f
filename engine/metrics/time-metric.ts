import { CATALOG } from './catalog.js';
import { stats } from './time.js';
import type { MetricId, PhaseTimes, Severity, TimedItem, TimeMetric } from './types.js';

const PHASES: Array<keyof PhaseTimes> = ['analysis', 'testing', 'approval', 'deployment'];

/** Statistics over the items completed in the period; open items are counted and listed, never averaged in. */
export function timeMetric(id: MetricId, items: TimedItem[]): TimeMetric {
  const done = items.filter((i) => i.seconds !== undefined);
  const bySeverity: Partial<Record<Severity, NonNullable<ReturnType<typeof stats>>>> = {};
  for (const sev of new Set(done.map((i) => i.severity))) bySeverity[sev] = stats(done.filter((i) => i.severity === sev).map((i) => i.seconds!))!;
  const withPhases = done.filter((i) => i.phases);
  const all = stats(done.map((i) => i.seconds!));
  return {
    id,
    ...CATALOG[id],
    kind: 'time',
    met: null,
    ...(all ? { stats: all } : {}),
    open: items.filter((i) => i.seconds === undefined && i.openSeconds !== undefined).length,
    bySeverity,
    ...(withPhases.length ? { phases: Object.fromEntries(PHASES.map((p) => [p, stats(withPhases.map((i) => i.phases![p]))!.median])) as unknown as PhaseTimes } : {}),
    items: [...items].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : 1)),
  };
}
