import { computeMetrics } from '../metrics/compute.js';
import { scopeToSystem } from '../metrics/scope.js';
import { periodEnd } from '../metrics/time.js';
import { Timeline } from '../metrics/timeline.js';
import type { MetricsInput, MetricsReport } from '../metrics/types.js';
import { commitLookup, hostView, runsByHost } from './host-view.js';
import { loadTemplates, type Templates } from './templates.js';
import { indexView } from './view.js';

export { loadTemplates } from './templates.js';

export interface ReportOptions {
  /** Only this system: nothing of any other system appears anywhere in the output. */
  system?: string;
  templates?: Templates;
}

/**
 * The static HTML report: `index.html` and `hosts/<host>.html`, every page self-contained (stylesheet inlined, charts
 * as inline SVG, a Content-Security-Policy that forbids loading anything) and linked relatively, so the folder opens
 * from file:// or any web server. Returns relative path → content, plus the metrics it shows; writes nothing.
 */
export function renderReport(raw: MetricsInput, opts: ReportOptions = {}): { files: Map<string, string>; metrics: MetricsReport } {
  const t = opts.templates ?? loadTemplates();
  const input = opts.system ? scopeToSystem(raw, opts.system) : raw;
  const metrics = computeMetrics(raw, { system: opts.system });
  const files = new Map<string, string>();
  const index = indexView(input, metrics);
  const nav = [...index.systems.map((s) => ({ href: `#${s.anchor}`, label: s.name })), ...(index.organization ? [{ href: '#organization', label: 'organization' }] : []), ...(index.costs ? [{ href: '#costs', label: 'costs' }] : [])];
  const page = (body: string, title: string) => t.layout({ title, css: t.css, period: index.period, commit: index.commit, generatedAt: index.generatedAt, nav, body });
  files.set('index.html', page(t.index(index), index.title));

  const timeline = new Timeline(input.model, input.advisories, input.runs, input.git, Math.min(periodEnd(input.period.to), Date.parse(input.now)));
  const backNav = [{ href: '../index.html', label: 'report' }];
  const touched = runsByHost(input.runs);
  const commit = commitLookup(input.git.commits);
  for (const host of [...input.model.hosts.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const view = hostView(input, host, timeline, touched.get(host.name) ?? [], commit);
    files.set(`hosts/${host.name}.html`, t.layout({ title: `${host.name} — ${index.title}`, css: t.css, period: index.period, commit: index.commit, generatedAt: index.generatedAt, nav: backNav, body: t.host(view) }));
  }
  return { files, metrics };
}
