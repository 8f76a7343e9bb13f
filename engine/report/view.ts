import { figure, incidentLine, manualLine, perHost, scopeLine, scopeName, target, verdict } from '../metrics/render/format.js';
import { formatDuration } from '../metrics/time.js';
import type { Metric, MetricsInput, MetricsReport, RatioMetric, ScopeMetrics } from '../metrics/types.js';
import { complianceChart } from './charts/compliance.js';
import { latencyChart } from './charts/latency.js';
import { rolloutChart } from './charts/rollout.js';
import { severityHistoryChart } from './charts/severity-history.js';

function metricRow(m: Metric) {
  const v = verdict(m);
  return { id: m.id, title: m.title, unit: m.unit, maturity: m.maturity, figure: figure(m), perHost: perHost(m), target: target(m), verdict: v, verdictClass: m.met === null ? 'none' : m.met ? 'met' : 'missed' };
}

function items(s: ScopeMetrics, id: string) {
  return (s.metrics.find((m) => m.id === id) as RatioMetric | undefined)?.items ?? [];
}

/** A system (or the organization) as the index page shows it: metrics by maturity level, charts, exclusions, hosts. */
function scopeView(input: MetricsInput, s: ScopeMetrics) {
  const name = scopeName(s);
  const vulns = new Map(items(s, 'vulnerability-ratio').map((i) => [i.host, i.count]));
  const patches = new Map(items(s, 'unapplied-patch-ratio').map((i) => [i.host, i]));
  const services = new Map(items(s, 'network-service-ratio').map((i) => [i.host, i]));
  const hosts =
    s.system === null
      ? []
      : [...input.model.hosts.values()]
          .filter((h) => h.system === s.system)
          .sort((a, b) => (a.name < b.name ? -1 : 1))
          .map((h) => {
            const obs = input.hosts[h.name];
            return {
              name: h.name,
              href: `hosts/${encodeURIComponent(h.name)}.html`,
              ring: h.ring,
              criticality: h.criticality ?? '',
              observed: Boolean(obs?.facts),
              findings: obs?.diff?.findings.length ?? 0,
              vulnerabilities: vulns.get(h.name) ?? 0,
              patches: patches.get(h.name)?.count ?? 0,
              services: services.get(h.name)?.count ?? 0,
              exposed: patches.get(h.name)?.hostExposed ?? false,
              note: obs?.facts ? '' : `not reached (${obs?.error?.code ?? 'no facts'})`,
            };
          });
  return {
    anchor: s.system === null ? 'organization' : `system-${s.system}`,
    name,
    isOrganization: s.system === null,
    line: scopeLine(s),
    groups: ([3, 4, 5] as const).map((level) => ({ level, metrics: s.metrics.filter((m) => m.maturity === level).map(metricRow) })).filter((g) => g.metrics.length),
    phases: s.metrics.flatMap((m) => (m.kind === 'time' && m.phases ? [{ title: m.title, ...Object.fromEntries(Object.entries(m.phases).map(([k, v]) => [k, formatDuration(v)])) }] : [])),
    open: s.metrics.flatMap((m) => (m.kind === 'time' ? m.items.filter((i) => i.openSeconds !== undefined).map((i) => ({ metric: m.title, id: i.id, title: i.title ?? '', severity: i.severity, age: formatDuration(i.openSeconds!), hosts: i.hosts ? `${i.hosts.done}/${i.hosts.relevant}` : '' })) : [])),
    history: severityHistoryChart(s.history, name),
    latency: latencyChart(s.latencies, name),
    rollout: rolloutChart(s.rollout, name),
    excluded: s.excluded,
    incidents: incidentLine(s),
    manual: manualLine(s),
    manualItems: s.manual.items.map((m) => ({ ...m, stateText: m.state === 'attested' ? 'attested, check not passing' : 'not attested', checkText: m.check ? `${m.check.state}: ${m.check.detail}` : 'none' })),
    hosts,
  };
}

/** The index page: compliance across the systems in the report, then each system, then the organization and costs. */
export function indexView(input: MetricsInput, report: MetricsReport) {
  const scopes = report.systems;
  return {
    title: report.scope.system ? `Patch and vulnerability report: ${report.scope.system}` : 'Patch and vulnerability report',
    generatedAt: report.generatedAt,
    period: { from: report.period.from.slice(0, 10), to: report.period.to.slice(0, 10) },
    commit: report.commit ? report.commit.slice(0, 12) : 'working tree',
    scoped: Boolean(report.scope.system),
    compliance: complianceChart(scopes.map((s) => ({ label: scopeName(s), percent: s.compliance.percent, note: `${s.compliance.compliant}/${s.compliance.observed} hosts` }))),
    systems: scopes.map((s) => scopeView(input, s)),
    organization: report.organization ? scopeView(input, report.organization) : undefined,
    costs: report.costs?.map((m) => ({ ...metricRow(m), exact: m.amount.exact, currency: m.currency, items: m.items.map((i) => ({ name: i.name, amount: i.amount.display, detail: i.detail, date: i.date ?? '' })) })),
  };
}
