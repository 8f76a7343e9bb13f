import type { HostRecord, RunRecord } from '../ledger/types.js';
import { computeMetrics } from '../metrics/compute.js';
import { renderPrometheus } from '../metrics/render/prometheus.js';
import { systemRedactor } from '../metrics/scope.js';
import { ReportPages } from '../report/index.js';
import { safeJson, visible } from './escape.js';
import type { ServedState } from './state.js';
import { hostDetail, hostSummary, lastRuns } from './views.js';

/** What the HTTP thread asks of the state: a view, for everything or for one system (already authorised there). */
export type ViewRequest = { system?: string } & ({ kind: 'hosts' } | { kind: 'host'; name: string } | { kind: 'metrics' } | { kind: 'index' } | { kind: 'page'; name: string });

export interface ViewAnswer {
  status: number;
  type: string;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const DASHBOARD_REFRESH_SECONDS = 60;

/**
 * The views of one served state — hosts JSON, Prometheus metrics, dashboard pages — computed on demand and kept until
 * the state is replaced. A one-system request is answered from the input cut to that system, and its JSON passes
 * through the redaction of `plumb report --system`. Page text has control characters made visible.
 */
export class Answers {
  private readonly runs: Map<string, { run: RunRecord; host: HostRecord }>;
  private readonly cache = new Map<string, unknown>();

  constructor(readonly state: ServedState) {
    this.runs = lastRuns(state.input.runs);
  }

  private cached<T>(key: string, make: () => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const v = make();
    this.cache.set(key, v);
    return v;
  }

  private json(system: string | undefined, value: unknown): ViewAnswer {
    const text = safeJson(value);
    const redact = system ? this.cached(`redact:${system}`, () => systemRedactor(this.state.input.model, system)) : undefined;
    return { status: 200, type: JSON_TYPE, body: redact ? redact(text) : text };
  }

  private pages(system: string | undefined): ReportPages {
    return this.cached(`pages:${system ?? ''}`, () => new ReportPages(this.state.input, { system, refreshSeconds: DASHBOARD_REFRESH_SECONDS }));
  }

  answer(req: ViewRequest, now: Date): ViewAnswer {
    const { state } = this;
    const { system } = req;
    const inScope = (name: string) => state.input.model.hosts.get(name) && (!system || state.input.model.hosts.get(name)!.system === system);
    const notFound: ViewAnswer = { status: 404, type: JSON_TYPE, body: '{"error":"not found"}' };
    switch (req.kind) {
      case 'hosts': {
        const hosts = [...state.input.model.hosts.values()].filter((h) => !system || h.system === system).map((h) => hostSummary(state, this.runs, h.name, now));
        return this.json(system, { commit: state.commit, builtAt: state.builtAt, hosts });
      }
      case 'host':
        return inScope(req.name) ? this.json(system, { commit: state.commit, builtAt: state.builtAt, host: hostDetail(state, this.runs, req.name, now) }) : notFound;
      case 'metrics':
        return { status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: this.cached(`metrics:${system ?? ''}`, () => renderPrometheus(computeMetrics(state.input, { system }))) };
      case 'index':
        return { status: 200, type: 'text/html; charset=utf-8', body: this.cached(`index:${system ?? ''}`, () => visible(this.pages(system).indexPage())) };
      case 'page': {
        const page = inScope(req.name) ? this.pages(system).hostPage(req.name) : undefined;
        return page ? { status: 200, type: 'text/html; charset=utf-8', body: visible(page) } : notFound;
      }
    }
  }
}
