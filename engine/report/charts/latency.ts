import type { ScopeMetrics } from '../../metrics/types.js';
import { n, rect, svg, text, ticks } from './svg.js';

const H = 3600;
/** Latency bins people think in: hours, a day, a week, a month. */
export const BINS: Array<{ label: string; upTo: number }> = [
  { label: '< 4h', upTo: 4 * H },
  { label: '4–12h', upTo: 12 * H },
  { label: '12h–1d', upTo: 24 * H },
  { label: '1–2d', upTo: 48 * H },
  { label: '2–7d', upTo: 168 * H },
  { label: '7–30d', upTo: 720 * H },
  { label: '> 30d', upTo: Infinity },
];

export function binOf(seconds: number): number {
  return BINS.findIndex((b) => seconds < b.upTo);
}

/**
 * Patch latency distribution, critical against non-critical: per host and patch, the time from when the group
 * knew to that host verified, counted into bins, side by side.
 */
export function latencyChart(latencies: ScopeMetrics['latencies'], label: string): string {
  const counts = { critical: BINS.map(() => 0), noncritical: BINS.map(() => 0) };
  for (const l of latencies) counts[l.critical ? 'critical' : 'noncritical'][binOf(l.seconds)]!++;
  const W = 720;
  const Hh = 250;
  const left = 44;
  const top = 30;
  const bottom = 34;
  const plotW = W - left - 16;
  const plotH = Hh - top - bottom;
  const axis = ticks(Math.max(1, ...counts.critical, ...counts.noncritical));
  const max = axis.at(-1)!;
  const slot = plotW / BINS.length;
  const barW = Math.min(28, slot / 2 - 6);
  let body = '';
  for (const t of axis) {
    const y = top + plotH - (plotH * t) / max;
    body += `<line class="grid" x1="${left}" x2="${left + plotW}" y1="${n(y)}" y2="${n(y)}"/>${text(left - 6, y + 4, t, 'class="tick" text-anchor="end"')}`;
  }
  BINS.forEach((b, i) => {
    const cx = left + slot * i + slot / 2;
    for (const [j, kind] of (['critical', 'noncritical'] as const).entries()) {
      const v = counts[kind][i]!;
      const h = (plotH * v) / max;
      body += rect(cx - barW - 2 + j * (barW + 4), top + plotH - h, barW, h, `class="bar latency-${kind}" data-value="${v}"`).replace('/>', `><title>${kind === 'critical' ? 'critical' : 'non-critical'}, ${b.label}: ${v}</title></rect>`);
    }
    body += text(cx, Hh - 12, b.label, 'class="tick" text-anchor="middle"');
  });
  body += rect(left, 8, 12, 12, 'class="swatch latency-critical"') + text(left + 18, 18, `critical (${latencies.filter((l) => l.critical).length})`, 'class="legend"');
  body += rect(left + 150, 8, 12, 12, 'class="swatch latency-noncritical"') + text(left + 168, 18, `non-critical (${latencies.filter((l) => !l.critical).length})`, 'class="legend"');
  if (!latencies.length) body += text(left + plotW / 2, top + plotH / 2, 'no patch verified in the period', 'class="empty" text-anchor="middle"');
  return svg('latency', W, Hh, `Patch latency distribution, critical and non-critical, ${label}`, body);
}
