import { n, rect, svg, text } from './svg.js';

export interface ComplianceBar {
  label: string;
  /** 0–100, null when no host of it was observed. */
  percent: number | null;
  note: string;
}

/** One horizontal bar per system: the share of observed hosts with no open finding. */
export function complianceChart(bars: ComplianceBar[]): string {
  const labelW = Math.min(220, 16 + 7.5 * Math.max(8, ...bars.map((b) => b.label.length)));
  const barW = 420;
  const rowH = 30;
  const width = labelW + barW + 170;
  const height = 24 + rowH * Math.max(1, bars.length);
  let body = '';
  for (const [i, b] of bars.entries()) {
    const y = 12 + i * rowH;
    const p = b.percent ?? 0;
    const tone = b.percent === null ? 'unknown' : p >= 95 ? 'good' : p >= 75 ? 'fair' : 'poor';
    body += text(labelW - 8, y + 15, b.label, 'class="label" text-anchor="end"');
    body += rect(labelW, y, barW, 20, 'class="track"');
    body += rect(labelW, y, (barW * p) / 100, 20, `class="bar compliance-${tone}" data-value="${n(p)}"`);
    body += text(labelW + barW + 8, y + 15, b.percent === null ? 'no facts' : `${Math.round(p)}%  ${b.note}`, 'class="value"');
  }
  return svg('compliance', width, height, `Compliance per system: ${bars.map((b) => `${b.label} ${b.percent === null ? 'unknown' : `${Math.round(b.percent)}%`}`).join(', ')}`, `<g class="bars">${body}</g>`);
}
