import type { ScopeMetrics } from '../../metrics/types.js';
import { esc, n, rect, SEVERITY_COLOURS, svg, text } from './svg.js';

/** Rollout progress per ring: for each remediation, one bar per ring, verified hosts of the relevant ones. */
export function rolloutChart(rollout: ScopeMetrics['rollout'], label: string): string {
  const rows = rollout.flatMap((r) => [{ head: r }, ...r.rings.map((ring) => ({ ring, r }))]);
  const W = 720;
  const rowH = 24;
  const left = 150;
  const barW = 380;
  const Hh = 10 + rowH * Math.max(1, rows.length);
  let body = '';
  rows.forEach((row, i) => {
    const y = 6 + i * rowH;
    if ('head' in row) {
      const r = row.head!;
      body += rect(0, y + 5, 10, 10, `fill="${SEVERITY_COLOURS[r.severity]}" class="swatch sev-${esc(r.severity)}"`);
      body += text(16, y + 15, `${r.remediation} — ${r.title}`.slice(0, 90), 'class="label remediation"');
      return;
    }
    const { ring } = row;
    const share = ring.relevant ? ring.done / ring.relevant : 0;
    body += text(left - 8, y + 15, ring.ring, 'class="label" text-anchor="end"');
    body += rect(left, y + 3, barW, 16, 'class="track"');
    body += rect(left, y + 3, barW * share, 16, `class="bar progress${share === 1 ? ' complete' : ''}" data-value="${n(share * 100)}"`);
    body += text(left + barW + 8, y + 15, `${ring.done}/${ring.relevant} verified${ring.excluded ? `, ${ring.excluded} excepted` : ''}`, 'class="value"');
  });
  if (!rows.length) body += text(W / 2, 20, 'no rollout in the period', 'class="empty" text-anchor="middle"');
  return svg('rollout', W, Hh, `Rollout progress per ring, ${label}`, body);
}
