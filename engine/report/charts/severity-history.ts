import { SEVERITIES, type ScopeMetrics, type Severity } from '../../metrics/types.js';
import { n, rect, SEVERITY_COLOURS, svg, text, ticks } from './svg.js';

/** Open vulnerabilities over the period as a stacked area, worst severity on top, with a legend. */
export function severityHistoryChart(history: ScopeMetrics['history'], label: string): string {
  const W = 720;
  const H = 260;
  const left = 44;
  const right = 120;
  const top = 14;
  const bottom = 30;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const count = history.times.length;
  const order = [...SEVERITIES].reverse() as Severity[]; // least severe at the bottom
  const totals = history.times.map((_, k) => SEVERITIES.reduce((a, s) => a + (history.bySeverity[s][k] ?? 0), 0));
  const axis = ticks(Math.max(...totals, 1));
  const max = axis.at(-1)!;
  const x = (k: number) => left + (count > 1 ? (plotW * k) / (count - 1) : plotW / 2);
  const y = (v: number) => top + plotH - (plotH * v) / max;

  let grid = '';
  for (const t of axis) grid += `<line class="grid" x1="${left}" x2="${left + plotW}" y1="${n(y(t))}" y2="${n(y(t))}"/>${text(left - 6, y(t) + 4, t, 'class="tick" text-anchor="end"')}`;
  const t0 = history.times[0] ?? '';
  const t1 = history.times.at(-1) ?? '';
  grid += text(left, H - 8, t0.slice(0, 10), 'class="tick"') + text(left + plotW, H - 8, t1.slice(0, 10), 'class="tick" text-anchor="end"');

  const base = new Array<number>(count).fill(0);
  let areas = '';
  for (const s of order) {
    const values = history.bySeverity[s];
    if (!values.some((v) => v > 0)) continue;
    const lower = [...base];
    const upper = base.map((b, k) => b + (values[k] ?? 0));
    // Steps, not slopes: a count changes when something is found or verified, and holds until the next sample.
    const steps = (vals: number[]) => vals.flatMap((v, k) => [`${n(x(k))},${n(y(v))}`, ...(k < count - 1 ? [`${n(x(k + 1))},${n(y(v))}`] : [])]);
    const pts = [...steps(upper), ...steps(lower).reverse()];
    areas += `<path class="area sev-${s}" fill="${SEVERITY_COLOURS[s]}" d="M${pts.join('L')}Z"><title>${s}: ${values.at(-1)} open at the end</title></path>`;
    upper.forEach((v, k) => (base[k] = v));
  }
  let legend = '';
  SEVERITIES.forEach((s, i) => {
    const ly = top + 6 + i * 20;
    legend += rect(W - right + 14, ly, 12, 12, `class="swatch sev-${s}" fill="${SEVERITY_COLOURS[s]}"`) + text(W - right + 32, ly + 10, `${s} ${history.bySeverity[s].at(-1) ?? 0}`, 'class="legend"');
  });
  const empty = totals.every((t) => t === 0) ? text(left + plotW / 2, top + plotH / 2, 'no open vulnerability in the period', 'class="empty" text-anchor="middle"') : '';
  return svg('severity-history', W, H, `Open vulnerabilities by severity over time, ${label}`, `<g class="axes">${grid}</g><g class="areas">${areas}</g>${empty}<g class="legend">${legend}</g>`);
}
