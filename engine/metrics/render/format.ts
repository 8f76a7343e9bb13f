import { formatDuration } from '../time.js';
import type { Metric, ScopeMetrics, Target } from '../types.js';

/** Words for the figures, shared by the human table, Markdown and the HTML report. */

export const ratio = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function figure(m: Metric): string {
  switch (m.kind) {
    case 'ratio': {
      const w = m.weighted && m.weighted.all !== m.total.all ? `, weighted ${ratio(m.weighted.all)}` : '';
      return `${m.total.all}${w} (exposed ${m.total.exposed}) on ${m.hosts} host${m.hosts === 1 ? '' : 's'}`;
    }
    case 'time': {
      const open = m.open ? `, ${m.open} open` : '';
      if (!m.stats) return `no completed item${open}`;
      return `median ${formatDuration(m.stats.median)}, p90 ${formatDuration(m.stats.p90)}, max ${formatDuration(m.stats.max)} (n=${m.stats.count}${open})`;
    }
    case 'money':
      return `${m.currency} ${m.amount.display} ${m.per === 'year' ? 'a year' : 'in the period'}`;
  }
}

export function perHost(m: Metric): string {
  return m.kind === 'ratio' ? (m.hosts ? `${ratio(m.perHost.all)} (exposed ${ratio(m.perHost.exposed)})` : '–') : '';
}

export function target(m: Metric, t: Target | undefined = m.target): string {
  if (!t) return '';
  const show = (v: number) => (m.kind === 'time' ? formatDuration(v) : m.kind === 'money' ? v.toLocaleString('en-US') : ratio(v));
  const bounds = [t.max !== undefined ? `≤ ${show(t.max)}` : '', t.min !== undefined ? `≥ ${show(t.min)}` : ''].filter(Boolean).join(', ');
  const how = m.kind === 'time' ? ` (${t.statistic ?? 'median'})` : m.kind === 'ratio' && t.exposure === 'exposed' ? ' (exposed)' : '';
  return `${bounds}${how}`;
}

export function verdict(m: Metric): string {
  return m.met === null ? (m.target ? 'no data' : '') : m.met ? 'met' : 'NOT met';
}

export function scopeName(s: ScopeMetrics): string {
  return s.system ?? 'organization';
}

export function scopeLine(s: ScopeMetrics): string {
  const c = s.compliance.percent === null ? 'compliance unknown' : `${Math.round(s.compliance.percent)}% compliant`;
  const impact = s.impact ? ` (impact ${s.impact})` : '';
  const unobserved = s.hosts.unobserved.length ? `, not reached: ${s.hosts.unobserved.join(', ')}` : '';
  return `${scopeName(s)}${impact}: ${s.hosts.total} host${s.hosts.total === 1 ? '' : 's'}, ${s.hosts.observed} observed, ${c}${unobserved}`;
}

/** Manual remediations of a scope in one line: done counts only attested and verified work. */
export function manualLine(s: ScopeMetrics): string | null {
  const t = s.manual.tally;
  if (!t.total) return null;
  return `manual remediations: ${t.done} of ${t.total} done (attested and verified), ${t.open} not attested${t.attestedUnverified ? `, ${t.attestedUnverified} attested but not verified` : ''}${t.overdue ? `, ${t.overdue} overdue` : ''}`;
}

/** Compromised hosts of a scope in one line: quarantined now, rebuilt in the period, time to rebuild. */
export function incidentLine(s: ScopeMetrics): string | null {
  const i = s.incidents;
  if (!i.quarantined.length && !i.rebuilt.length) return null;
  const parts = [`compromised hosts: ${i.quarantined.length} quarantined now${i.quarantined.length ? ` (${i.quarantined.join(', ')})` : ''}`, `${i.rebuilt.length} rebuilt in the period`];
  if (i.timeToRebuild.median !== null) parts.push(`time to rebuild median ${formatDuration(i.timeToRebuild.median)}, max ${formatDuration(i.timeToRebuild.max!)}`);
  return parts.join('; ');
}
