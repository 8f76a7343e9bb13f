import { SEVERITIES, type Metric, type MetricsReport, type RatioMetric, type ScopeMetrics, type TimeMetric } from '../types.js';

/**
 * The report in the Prometheus text exposition format, for node_exporter's textfile collector: one `# HELP` and
 * `# TYPE` per family, every series a gauge, names `plumbline_…` with base units (seconds). Counts are broken down
 * by severity only (so `sum()` gives the total); times have `severity="all"` too, since their statistics do not add
 * up. The organization is `system="_organization"` (no system name can start with `_`).
 */
export const ORGANIZATION = '_organization';

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const num = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));

class Exposition {
  private readonly families = new Map<string, { help: string; lines: string[] }>();

  family(name: string, help: string): (labels: Labels, value: number) => void {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { help, lines: [] }));
    const lines = f.lines;
    return (labels, value) => {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      lines.push(`${name}${l ? `{${l}}` : ''} ${num(value)}`);
    };
  }

  toString(): string {
    let out = '';
    for (const [name, f] of this.families) {
      if (!f.lines.length) continue;
      out += `# HELP ${name} ${escapeHelp(f.help)}\n# TYPE ${name} gauge\n${f.lines.join('\n')}\n`;
    }
    return out;
  }
}

const find = <M extends Metric>(s: ScopeMetrics, id: string) => s.metrics.find((m) => m.id === id) as M | undefined;

export function renderPrometheus(report: MetricsReport): string {
  const x = new Exposition();
  const scopes = [...report.systems, ...(report.organization ? [report.organization] : [])];
  const generated = x.family('plumbline_metrics_generated_timestamp_seconds', 'When plumb metrics computed these figures (Unix time).');
  generated({}, Math.floor(Date.parse(report.generatedAt) / 1000));
  const period = x.family('plumbline_metrics_period_timestamp_seconds', 'The period the time and cost figures cover (Unix time).');
  period({ bound: 'from' }, Math.floor(Date.parse(report.period.from) / 1000));
  period({ bound: 'to' }, Math.floor(Date.parse(report.period.to) / 1000));

  const hosts = x.family('plumbline_hosts', 'Hosts in the system: all of them, and those whose facts were gathered (observed).');
  const compliant = x.family('plumbline_compliant_hosts', 'Observed hosts with no open finding against their desired state.');
  const counts = {
    'vulnerability-ratio': [x.family('plumbline_vulnerabilities', 'Open vulnerabilities on observed hosts (SP 800-40 vulnerability ratio, raw), by severity; exposure="exposed" counts only hosts reached from outside the perimeter.'), x.family('plumbline_vulnerability_ratio', 'Open vulnerabilities per observed host, by severity and exposure.')],
    'unapplied-patch-ratio': [x.family('plumbline_unapplied_patches', 'Patches not applied on observed hosts (raw), by severity and exposure.'), x.family('plumbline_unapplied_patch_ratio', 'Unapplied patches per observed host, by severity and exposure.')],
  } as const;
  const services = x.family('plumbline_network_services', 'Listening network services (not loopback) on observed hosts; exposure="exposed": reached through the perimeter.');
  const weighted = x.family('plumbline_network_services_weighted', 'Network services with the per-port weights of the program.');
  const serviceRatio = x.family('plumbline_network_service_ratio', 'Weighted network services per observed host.');
  const times = {
    'identification-time': x.family('plumbline_identification_time_seconds', 'Vulnerability and patch identification: published → the group knew, over the period.'),
    'patch-response-critical': x.family('plumbline_patch_response_seconds', 'Patch response time: the group knew → every relevant host verified, over the period.'),
    'patch-response-noncritical': x.family('plumbline_patch_response_seconds', ''),
    'emergency-configuration-response': x.family('plumbline_emergency_configuration_response_seconds', 'Emergency configuration response time: the group knew → the workaround verified on every relevant host.'),
  } as const;
  const phase = x.family('plumbline_patch_response_phase_seconds', 'Median time of each phase of the response (analysis, testing, approval, deployment) over the period.');
  const completed = x.family('plumbline_response_completed', 'Items the time metric measured in the period (completed).');
  const open = x.family('plumbline_response_open', 'Items still open at the end of the period (not in the statistics).');
  const met = x.family('plumbline_target_met', '1 when the metric meets its target, 0 when not (no series without a target or a figure).');
  const quarantinedFamily = x.family('plumbline_hosts_quarantined', 'Hosts marked compromised (quarantined) now: nothing but their rebuild changes them (SP 800-40 4.4).');
  const rebuiltFamily = x.family('plumbline_incidents_rebuilt', 'Incidents closed in the period by a verified rebuild (plumb rebuild).');
  const rebuildTime = x.family('plumbline_time_to_rebuild_seconds', 'Time from quarantine to a verified rebuild, over the incidents closed in the period.');
  const manualFamily = x.family('plumbline_manual_remediations', 'Manual remediations (host × remediation, SP 800-40 4.1.5): total, done (attested and, with a check, verified), open (not attested), attested but not verified, overdue.');
  const excluded = x.family('plumbline_excluded', 'Findings and vulnerabilities left out of the figures: exceptions (deferral, false-positive), VEX not-affected, under investigation.');

  for (const s of scopes) {
    const system = s.system ?? ORGANIZATION;
    hosts({ system, state: 'total' }, s.hosts.total);
    hosts({ system, state: 'observed' }, s.hosts.observed);
    compliant({ system }, s.compliance.compliant);
    for (const [id, [raw, ratio]] of Object.entries(counts)) {
      const m = find<RatioMetric>(s, id);
      if (!m) continue;
      for (const severity of SEVERITIES) {
        const b = m.bySeverity[severity];
        for (const exposure of ['all', 'exposed'] as const) {
          raw({ system, severity, exposure }, b?.total[exposure] ?? 0);
          ratio({ system, severity, exposure }, b?.perHost[exposure] ?? 0);
        }
      }
    }
    const net = find<RatioMetric>(s, 'network-service-ratio');
    if (net) {
      for (const exposure of ['all', 'exposed'] as const) {
        services({ system, exposure }, net.total[exposure]);
        weighted({ system, exposure }, net.weighted?.[exposure] ?? net.total[exposure]);
        serviceRatio({ system, exposure }, net.perHost[exposure]);
      }
    }
    for (const [id, family] of Object.entries(times)) {
      const m = find<TimeMetric>(s, id);
      if (!m) continue;
      const extra: Labels = id.startsWith('patch-response-') ? { criticality: id === 'patch-response-critical' ? 'critical' : 'noncritical' } : {};
      const series = [['all', m.stats] as const, ...SEVERITIES.map((sev) => [sev, m.bySeverity[sev]] as const)];
      for (const [severity, st] of series) {
        if (!st) continue;
        for (const statistic of ['median', 'mean', 'p90', 'max'] as const) family({ system, ...extra, severity, statistic }, st[statistic]);
      }
      if (m.phases) for (const [p, v] of Object.entries(m.phases)) phase({ system, metric: id, phase: p }, v);
      completed({ system, metric: id }, m.stats?.count ?? 0);
      open({ system, metric: id }, m.open);
    }
    for (const m of s.metrics) if (m.met !== null) met({ system, metric: m.id }, m.met ? 1 : 0);
    const kinds = new Map<string, number>();
    for (const e of s.excluded) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    for (const kind of ['deferral', 'false-positive', 'not-affected', 'under-investigation']) excluded({ system, kind }, kinds.get(kind) ?? 0);
    quarantinedFamily({ system }, s.incidents.quarantined.length);
    rebuiltFamily({ system }, s.incidents.rebuilt.length);
    if (s.incidents.timeToRebuild.median !== null) {
      rebuildTime({ system, statistic: 'median' }, s.incidents.timeToRebuild.median);
      rebuildTime({ system, statistic: 'max' }, s.incidents.timeToRebuild.max!);
    }
    const t = s.manual.tally;
    for (const [state, n] of [['total', t.total], ['done', t.done], ['open', t.open], ['attested-unverified', t.attestedUnverified], ['overdue', t.overdue]] as const) manualFamily({ system, state }, n);
  }
  if (report.costs) {
    const cost = x.family('plumbline_program_cost', 'Program costs per organization (SP 800-40 maturity level 5), in the currency named: per year (group, administrator support, software) or over the period (failures).');
    for (const m of report.costs) {
      cost({ cost: m.id.replace(/-cost$/, '').replace(/-/g, '_'), currency: m.currency, per: m.per }, m.amount.value);
      if (m.met !== null) met({ system: ORGANIZATION, metric: m.id }, m.met ? 1 : 0);
    }
  }
  return x.toString();
}
