import type { Metric, MetricId, Target } from './types.js';

/** The figure a target is compared with: per host (ratios), a statistic in seconds (times), the amount (money). */
export function comparedValue(m: Metric, t: Target): number | undefined {
  switch (m.kind) {
    case 'ratio':
      return m.hosts ? m.perHost[t.exposure ?? 'all'] : undefined;
    case 'time':
      return m.stats?.[t.statistic ?? 'median'];
    case 'money':
      return m.amount.value;
  }
}

/** Adds each metric's target and whether it is met (null: no target, or nothing measured to compare). */
export function withTargets<M extends Metric>(metrics: M[], targets: Partial<Record<MetricId, Target>>): M[] {
  return metrics.map((m) => {
    const t = targets[m.id];
    if (!t) return m;
    const v = comparedValue(m, t);
    const met = v === undefined ? null : (t.max === undefined || v <= t.max) && (t.min === undefined || v >= t.min);
    return { ...m, target: t, met, ...(v !== undefined ? { compared: v } : {}) };
  });
}
