import { CATALOG } from './catalog.js';
import type { HostExposure } from './exposure.js';
import type { Counted, MetricId, RatioMetric, Severity } from './types.js';
import type { HostAssessment } from './vulnerabilities.js';

/** What the ratio metrics need to know about one observed host. */
export interface ObservedHost {
  name: string;
  assessment: HostAssessment;
  exposure: HostExposure;
}

const per = (c: Counted, hosts: number): Counted => (hosts ? { all: c.all / hosts, exposed: c.exposed / hosts } : { all: 0, exposed: 0 });

function base(id: MetricId) {
  return { id, ...CATALOG[id], met: null };
}

/** Counts severity-tagged things per host, both ways: all of them, and those on exposed hosts. */
function bySeverityRatio(id: MetricId, hosts: ObservedHost[], pick: (h: ObservedHost) => Array<{ severity: Severity }>): RatioMetric {
  const total: Counted = { all: 0, exposed: 0 };
  const sev = new Map<Severity, Counted>();
  const items: RatioMetric['items'] = [];
  for (const h of hosts) {
    const list = pick(h);
    const exposed = h.exposure.exposed ? list.length : 0;
    total.all += list.length;
    total.exposed += exposed;
    for (const x of list) {
      const c = sev.get(x.severity) ?? { all: 0, exposed: 0 };
      c.all++;
      if (h.exposure.exposed) c.exposed++;
      sev.set(x.severity, c);
    }
    items.push({ host: h.name, count: list.length, exposed, hostExposed: h.exposure.exposed });
  }
  const n = hosts.length;
  return {
    ...base(id),
    kind: 'ratio',
    hosts: n,
    total,
    perHost: per(total, n),
    bySeverity: Object.fromEntries([...sev].map(([s, c]) => [s, { total: c, perHost: per(c, n) }])),
    items,
  };
}

/**
 * The three ratios of maturity level 3, taken over the hosts whose facts were gathered. Each is counted twice
 * (SP 800-40 section 3): `all` ignores perimeter defences, `exposed` counts only what is reached from outside.
 * Network services have no severity; their optional per-port weights give `weighted` (services otherwise count 1).
 */
export function ratioMetrics(hosts: ObservedHost[]): RatioMetric[] {
  const vulnerabilities = bySeverityRatio('vulnerability-ratio', hosts, (h) => h.assessment.vulnerabilities);
  const patches = bySeverityRatio('unapplied-patch-ratio', hosts, (h) => h.assessment.patches);

  const known = hosts.filter((h) => h.exposure.services !== null);
  const total: Counted = { all: 0, exposed: 0 };
  const weighted: Counted = { all: 0, exposed: 0 };
  const items: RatioMetric['items'] = [];
  for (const h of known) {
    const s = h.exposure.services!;
    const exposed = s.filter((x) => x.exposed);
    const w = (list: typeof s) => list.reduce((a, x) => a + x.weight, 0);
    total.all += s.length;
    total.exposed += exposed.length;
    weighted.all += w(s);
    weighted.exposed += w(exposed);
    items.push({ host: h.name, count: s.length, weighted: w(s), exposed: exposed.length, hostExposed: h.exposure.exposed });
  }
  const services: RatioMetric = {
    ...base('network-service-ratio'),
    kind: 'ratio',
    hosts: known.length,
    total,
    perHost: per(weighted, known.length),
    weighted,
    bySeverity: {},
    items,
  };
  return [vulnerabilities, patches, services];
}
