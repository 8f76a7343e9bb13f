import { computeMetrics } from '../metrics/compute.js';
import { scopeToSystem } from '../metrics/scope.js';
import { periodEnd } from '../metrics/time.js';
import { Timeline } from '../metrics/timeline.js';
import type { CommitInfo, MetricsInput, MetricsReport } from '../metrics/types.js';
import type { HostRecord, RunRecord } from '../ledger/types.js';
import { commitLookup, hostView, runsByHost } from './host-view.js';
import { loadTemplates, type Templates } from './templates.js';
import { indexView } from './view.js';
import { compliance } from '../scap/compliance.js';

export { loadTemplates } from './templates.js';

export interface ReportOptions {
  /** Only this system: nothing of any other system appears anywhere in the output. */
  system?: string;
  templates?: Templates;
  /** Served live (plumb serve): the pages reload themselves this often, and say when they were computed. */
  refreshSeconds?: number;
}

/**
 * The report's pages, each rendered when asked for: `plumb report` asks for every page once, `plumb serve` for the
 * page a browser requests. The input is cut to the system first (metrics/scope.ts), so nothing of another system
 * can reach any page; the metrics, the index view and the timeline are computed once, on first use.
 */
export class ReportPages {
  readonly input: MetricsInput;
  private readonly t: Templates;
  private metricsReport?: MetricsReport;
  private indexModel?: ReturnType<typeof indexView>;
  private hostParts?: { timeline: Timeline; touched: Map<string, Array<{ run: RunRecord; host: HostRecord }>>; commit: (id: string) => CommitInfo | undefined };

  constructor(
    private readonly raw: MetricsInput,
    private readonly opts: ReportOptions = {},
  ) {
    this.t = opts.templates ?? loadTemplates();
    this.input = opts.system ? scopeToSystem(raw, opts.system) : raw;
  }

  get metrics(): MetricsReport {
    return (this.metricsReport ??= computeMetrics(this.raw, { system: this.opts.system }));
  }

  private get index(): ReturnType<typeof indexView> {
    return (this.indexModel ??= indexView(this.input, this.metrics));
  }

  /** Host names that have a page, in name order. */
  hosts(): string[] {
    return [...this.input.model.hosts.keys()].sort((a, b) => (a < b ? -1 : 1));
  }

  private layout(body: string, title: string, nav: Array<{ href: string; label: string }>): string {
    const i = this.index;
    return this.t.layout({ title, css: this.t.css, period: i.period, commit: i.commit, generatedAt: i.generatedAt, nav, body, refreshSeconds: this.opts.refreshSeconds });
  }

  indexPage(): string {
    const i = this.index;
    const nav = [...i.systems.map((s) => ({ href: `#${s.anchor}`, label: s.name })), ...(i.organization ? [{ href: '#organization', label: 'organization' }] : []), ...(i.costs ? [{ href: '#costs', label: 'costs' }] : []), ...(this.hasControls() ? [{ href: 'controls.html', label: 'SP 800-53 controls' }] : [])];
    return this.layout(this.t.index(i), i.title, nav);
  }

  private hasControls(): boolean {
    return [...this.input.model.resolvedBaselines.values()].some((b) => b.controls.length || b.unmapped.length);
  }

  /**
   * controls.html: compliance with imported SCAP rules per NIST SP 800-53 control and per rule, for the hosts of the
   * scope; undefined when no baseline of the scope was imported from SCAP content.
   */
  controlsPage(): string | undefined {
    if (!this.hasControls()) return undefined;
    const facts = new Map(Object.entries(this.input.hosts).flatMap(([h, o]) => (o.facts ? [[h, o.facts] as const] : [])));
    return this.layout(this.t.controls(compliance(this.input.model, facts)), `SP 800-53 controls — ${this.index.title}`, [{ href: 'index.html', label: 'report' }]);
  }

  /** The page of one host of the scope; undefined for any other name. */
  hostPage(name: string): string | undefined {
    const host = this.input.model.hosts.get(name);
    if (!host) return undefined;
    this.hostParts ??= {
      timeline: new Timeline(this.input.model, this.input.advisories, this.input.runs, this.input.git, Math.min(periodEnd(this.input.period.to), Date.parse(this.input.now))),
      touched: runsByHost(this.input.runs),
      commit: commitLookup(this.input.git.commits),
    };
    const { timeline, touched, commit } = this.hostParts;
    const view = hostView(this.input, host, timeline, touched.get(host.name) ?? [], commit);
    return this.layout(this.t.host(view), `${host.name} — ${this.index.title}`, [{ href: '../index.html', label: 'report' }]);
  }
}

/**
 * The static HTML report: `index.html` and `hosts/<host>.html`, every page self-contained (stylesheet inlined, charts
 * as inline SVG, a Content-Security-Policy that forbids loading anything) and linked relatively, so the folder opens
 * from file:// or any web server. Returns relative path → content, plus the metrics it shows; writes nothing.
 */
export function renderReport(raw: MetricsInput, opts: ReportOptions = {}): { files: Map<string, string>; metrics: MetricsReport } {
  const pages = new ReportPages(raw, opts);
  const files = new Map<string, string>([['index.html', pages.indexPage()]]);
  for (const name of pages.hosts()) files.set(`hosts/${name}.html`, pages.hostPage(name)!);
  const controls = pages.controlsPage();
  if (controls) files.set('controls.html', controls);
  return { files, metrics: pages.metrics };
}
