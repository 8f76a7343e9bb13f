import type { HostRecord, RunRecord } from '../ledger/types.js';
import { systemRedactor } from '../metrics/scope.js';
import { endOf } from '../model/rules/expiry.js';
import { buildState, probeSources, type ServedState, type StateSources } from './state.js';
import { lastRuns } from './views.js';

/**
 * The state plumb serve answers from, kept fresh: the sources are probed every `refreshMs` (a ref lookup and a few
 * stats) and the state is rebuilt when they changed, when an exception or approval in it expires, and every
 * `rebuildMs` regardless (the metrics' period moves on). Verdicts judge time themselves at each request. A failed rebuild keeps the last good state and is reported by
 * /readyz's log line, never half-applied. Views computed from a state are cached until the next swap.
 */
export class Served {
  state?: ServedState;
  runs = new Map<string, { run: RunRecord; host: HostRecord }>();
  lastError?: string;
  private cache = new Map<string, unknown>();
  private probe?: string;
  private builtAt = 0;
  /** The next moment an exception or approval of the state expires: what it shows changes then. */
  private expiry = Infinity;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly src: StateSources,
    private readonly opts: { refreshMs: number; rebuildMs: number; log: (line: string) => void; now?: () => Date },
  ) {}

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  /** Builds the first state (its failure is the caller's), then keeps refreshing. */
  async start(): Promise<void> {
    await this.rebuild(await probeSources(this.src));
    this.timer = setInterval(() => void this.tick(), this.opts.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const probe = await probeSources(this.src);
      const due = Date.now() - this.builtAt >= this.opts.rebuildMs || this.now().getTime() >= this.expiry;
      if (probe !== this.probe || due) await this.rebuild(probe);
    } catch (e) {
      const message = (e as Error).message;
      if (message !== this.lastError) this.opts.log(`refresh failed, still serving the state built ${this.state?.builtAt ?? 'never'}: ${message}`);
      this.lastError = message;
    } finally {
      this.busy = false;
    }
  }

  private async rebuild(probe: string): Promise<void> {
    const started = Date.now();
    const state = await buildState(this.src, this.now());
    this.state = state;
    this.runs = lastRuns(state.input.runs);
    this.cache = new Map();
    this.probe = probe;
    this.builtAt = Date.now();
    const t = this.now().getTime();
    const { exceptions, approvals } = state.input.model;
    this.expiry = Math.min(Infinity, ...[...exceptions.values(), ...approvals.values()].map((x) => (x.expires ? endOf(x.expires) : Infinity)).filter((e) => e > t));
    this.lastError = undefined;
    const observed = Object.values(state.input.hosts).filter((o) => o.facts).length;
    this.opts.log(`serving desired state ${state.commit?.slice(0, 12) ?? 'working tree'}: ${state.input.model.hosts.size} hosts (${observed} with facts), ${state.input.runs.length} runs; built in ${Date.now() - started} ms${state.warnings.map((w) => `; ${w}`).join('')}`);
  }

  /** A value computed from the current state once, until the state is replaced. */
  cached<T>(key: string, make: (state: ServedState) => T): T {
    if (this.cache.has(key)) return this.cache.get(key) as T;
    const v = make(this.state!);
    this.cache.set(key, v);
    return v;
  }

  /** The redaction of `plumb report --system`: other systems' and their hosts' names and addresses in free text. */
  redact(system: string): (text: string) => string {
    return this.cached(`redact:${system}`, (s) => systemRedactor(s.input.model, system));
  }
}
