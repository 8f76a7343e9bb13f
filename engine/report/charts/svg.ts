import type { Severity } from '../../metrics/types.js';

/**
 * The small vocabulary the charts are drawn with. Every text that reaches SVG goes through `esc` (names come from
 * YAML and the hosts: a host called `<script>` must stay text), and every number through `n` (no NaN in a path).
 */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const n = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '0');

export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#b3261e',
  high: '#e8710a',
  medium: '#f2b705',
  low: '#2e7d32',
  negligible: '#7f8c8d',
  unknown: '#a0a4a8',
};

export function svg(kind: string, width: number, height: number, label: string, body: string): string {
  return `<svg class="chart chart-${esc(kind)}" xmlns="http://www.w3.org/2000/svg" width="${n(width)}" height="${n(height)}" viewBox="0 0 ${n(width)} ${n(height)}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>${body}</svg>`;
}

export function text(x: number, y: number, s: string | number, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

export function rect(x: number, y: number, w: number, h: number, attrs = ''): string {
  return `<rect x="${n(x)}" y="${n(y)}" width="${n(Math.max(0, w))}" height="${n(Math.max(0, h))}"${attrs ? ` ${attrs}` : ''}/>`;
}

/** Round numbers for an axis from 0 to at least `max`: 0, 1, 2 … or 0, 5, 10 …; whole numbers for counts. */
export function ticks(max: number, count = 4, whole = true): number[] {
  if (max <= 0) return [0, 1];
  const raw = whole ? Math.max(1, max / count) : max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v < max + step; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}
