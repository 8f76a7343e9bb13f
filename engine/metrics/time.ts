import type { Stats } from './types.js';

/** A date alone means the start of that day in UTC (when the record says "2026-11-20", the day began then). */
export function instant(s: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T00:00:00Z`) : Date.parse(s);
}

/** A date alone as the end of a period means the whole day: `--to 2026-11-30` includes the 30th. */
export function periodEnd(s: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T23:59:59.999Z`) : Date.parse(s);
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** Seconds of a schema Duration: 30m, 24h, 1d12h, or a bare number of seconds. */
export function durationSeconds(d: string | number): number {
  if (typeof d === 'number') return d;
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/** 90061 → "1d 1h"; the two largest units are enough to read a latency. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  let s = Math.round(Math.abs(seconds));
  const parts: string[] = [];
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= n || (u === 's' && !parts.length)) {
      parts.push(`${Math.floor(s / n)}${u}`);
      s %= n;
    }
    if (parts.length === 2) break;
  }
  return (seconds < 0 ? '-' : '') + parts.join(' ');
}

/**
 * Median (the mean of the two middle values for an even count), mean, p90 by the nearest-rank method (the
 * ⌈0.9·n⌉-th smallest value: always one of the observed values), min and max. Undefined for no values.
 */
export function stats(values: number[]): Stats | undefined {
  if (!values.length) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const median = n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  return { count: n, min: v[0]!, median, mean, p90: v[Math.ceil(0.9 * n) - 1]!, max: v[n - 1]! };
}
