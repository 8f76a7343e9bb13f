import { manualWork, tallyManual } from '../manual/status.js';
import type { HostEntry } from '../model/types.js';
import { costMetrics } from './costs.js';
import { hostExposure, type HostExposure } from './exposure.js';
import { vulnerabilityHistory } from './history.js';
import { identificationMetric } from './identification.js';
import { remediationProgress, type RemediationProgress } from './progress.js';
import { ratioMetrics, type ObservedHost } from './ratios.js';
import { responseMetrics } from './response.js';
import { scopeToSystem } from './scope.js';
import { withTargets } from './targets.js';
import { instant, iso, periodEnd } from './time.js';
import { Timeline } from './timeline.js';
import type { ExcludedItem, Metric, MetricsInput, MetricsReport, ScopeMetrics } from './types.js';
import { assessHost, type HostAssessment } from './vulnerabilities.js';

export interface ComputeOptions {
  /** Cut the report to one system: nothing of any other system is read, and costs are left out. */
  system?: string;
}

/** Everything computed once per host, shared by every scope the host belongs to. */
interface HostWork {
  host: HostEntry;
  observed: boolean;
  assessment: HostAssessment;
  exposure: HostExposure;
}

/**
 * The SP 800-40 metrics for every system and for the organization (or for one system only). Pure: the same input
 * gives the same report, byte for byte.
 */
export function computeMetrics(raw: MetricsInput, opts: ComputeOptions = {}): MetricsReport {
  const input = opts.system ? scopeToSystem(raw, opts.system) : raw;
  const { model } = input;
  const now = new Date(input.now);
  const period = { from: instant(input.period.from), to: Math.min(periodEnd(input.period.to), now.getTime()) };
  const timeline = new Timeline(model, input.advisories, input.runs, input.git, period.to);

  const work = new Map<string, HostWork>();
  for (const host of model.hosts.values()) {
    const obs = input.hosts[host.name];
    work.set(host.name, { host, observed: Boolean(obs?.facts), assessment: assessHost(model, host, obs, now), exposure: hostExposure(host, obs?.facts?.listening ?? null, input.program) });
  }
  // Which hosts each remediation concerns (ledger or findings), so progress looks only where it can find something.
  const concerned = new Map<string, Set<string>>();
  const mark = (r: string, h: string) => (concerned.get(r) ?? concerned.set(r, new Set()).get(r)!).add(h);
  const remediations = [...model.remediations.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const host of model.hosts.values()) {
    const d = input.hosts[host.name]?.diff;
    for (const f of [...(d?.findings ?? []), ...(d?.suppressed ?? [])]) if (f.origin.kind === 'remediation') mark(f.origin.id, host.name);
    for (const r of timeline.ledgerRemediations(host.name)) mark(r, host.name);
  }

  const scopeMetrics = (system: string | null): ScopeMetrics => {
    const hosts = [...model.hosts.values()].filter((h) => system === null || h.system === system).sort((a, b) => (a.name < b.name ? -1 : 1));
    const names = new Set(hosts.map((h) => h.name));
    const w = hosts.map((h) => work.get(h.name)!);
    const observed = w.filter((x) => x.observed);
    const progress: RemediationProgress[] = [];
    for (const r of remediations) {
      const candidates = [...(concerned.get(r.id) ?? [])].filter((h) => names.has(h)).sort().map((h) => model.hosts.get(h)!);
      if (candidates.length) progress.push(remediationProgress(model, r, candidates, input.hosts, timeline, now));
    }
    const ratios = ratioMetrics(observed.map((x): ObservedHost => ({ name: x.host.name, assessment: x.assessment, exposure: x.exposure })));
    const identification = identificationMetric(timeline, observed.map((x) => x.assessment), progress, period);
    const response = responseMetrics(model, timeline, progress, period);
    const metrics: Metric[] = withTargets([...ratios, identification, response.critical, response.noncritical, response.emergency], input.program.targets);

    const excluded: ExcludedItem[] = observed.flatMap((x) => x.assessment.excluded);
    const listed = new Set(excluded.map((e) => `${e.host}\u0000${e.by ?? ''}`));
    for (const p of progress) {
      for (const h of p.hosts) {
        if (h.state !== 'excluded' || listed.has(`${h.host}\u0000${h.exception}`)) continue;
        const x = model.exceptions.get(h.exception);
        excluded.push({ host: h.host, kind: x?.kind ?? 'deferral', subject: `remediation:${p.remediation.id}`, remediation: p.remediation.id, by: h.exception, ...(x ? { expires: x.expires, reason: x.reason } : {}) });
      }
    }
    const rebuilt = input.runs
      .filter((r) => r.kind === 'rebuild' && r.status === 'completed' && r.incident && names.has(r.incident.host) && r.endedAt && instant(r.endedAt) >= period.from && instant(r.endedAt) <= period.to)
      .map((r) => ({ host: r.incident!.host, run: r.id, since: r.incident!.quarantine.since, rebuiltAt: r.endedAt!, seconds: Math.max(0, (instant(r.endedAt!) - instant(r.incident!.quarantine.since)) / 1000), ...(r.incident!.quarantine.ticket ? { ticket: r.incident!.quarantine.ticket } : {}) }));
    const secs = rebuilt.map((x) => x.seconds).sort((a, b) => a - b);
    const incidents = { quarantined: hosts.filter((h) => h.compromised).map((h) => h.name), rebuilt, timeToRebuild: { median: secs.length ? secs[Math.floor((secs.length - 1) / 2)]! : null, max: secs.length ? secs[secs.length - 1]! : null } };
    const manual = hosts.flatMap((h) => manualWork(model, h, input.hosts[h.name]?.facts ?? null, now));
    const compliant = observed.filter((x) => !(input.hosts[x.host.name]?.diff?.findings.length ?? 0)).length;
    return {
      system,
      ...(system !== null && model.systems.get(system) ? { impact: model.systems.get(system)!.impact } : {}),
      hosts: { total: hosts.length, observed: observed.length, unobserved: w.filter((x) => !x.observed).map((x) => x.host.name) },
      compliance: { compliant, observed: observed.length, percent: observed.length ? (100 * compliant) / observed.length : null },
      metrics,
      excluded: excluded.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0)),
      history: vulnerabilityHistory(timeline, progress, new Map(observed.filter((x) => names.has(x.host.name)).map((x) => [x.host.name, x.assessment.vulnerabilities])), period),
      manual: {
        tally: tallyManual(manual),
        items: manual.filter((m) => m.state !== 'done').sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0) || (a.host < b.host ? -1 : 1)),
      },
      incidents,
      latencies: response.latencies,
      rollout: response.rollout,
    };
  };

  const systems = [...model.systems.keys()].sort().map((s) => scopeMetrics(s));
  return {
    format: 'plumbline-metrics',
    version: 1,
    generatedAt: input.now,
    period: { from: iso(period.from), to: iso(period.to) },
    commit: model.commit,
    scope: { system: opts.system ?? null },
    systems,
    ...(opts.system ? {} : { organization: scopeMetrics(null) }),
    ...(input.program.costs && !opts.system ? { costs: withTargets(costMetrics(input.program.costs, period), input.program.targets) } : {}),
  };
}
