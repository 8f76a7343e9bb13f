import { Worker } from 'node:worker_threads';
import { endOf } from '../model/rules/expiry.js';
import type { ViewAnswer, ViewRequest } from './answers.js';
import { probeSources, type StateSources } from './state.js';
import { AdmissionTable } from './table.js';
import type { FromWorker, ToWorker, WorkerRequest } from './worker.js';

/**
 * The state plumb serve answers from, kept fresh. The sources are probed every `refreshMs` (a ref lookup and a few
 * stats) on this thread; a state is built on the worker thread (worker.ts) when they changed, when an exception or
 * approval in it expires, and every `rebuildMs` regardless (the metrics' period moves on). This thread keeps the
 * admission table of the newest state and asks the worker for views. A failed rebuild keeps the last good state.
 */
export class Served {
  table?: AdmissionTable;
  lastError?: string;
  private worker!: Worker;
  private readonly pending = new Map<number, (m: FromWorker) => void>();
  private nextId = 1;
  private probe?: string;
  private builtAt = 0;
  private expiry = Infinity;
  private timer?: NodeJS.Timeout;
  private busy = false;
  private stopping = false;

  constructor(
    private readonly src: StateSources,
    private readonly opts: { refreshMs: number; rebuildMs: number; viewTimeoutMs?: number; log: (line: string) => void; now?: () => Date },
  ) {
    this.spawn();
  }

  /** The worker thread; one that dies (out of memory, a bug) fails what it had in hand and is replaced, and the next tick rebuilds. */
  private spawn(): void {
    const w = new Worker(new URL('./worker.js', import.meta.url));
    w.on('message', (m: FromWorker) => {
      const done = this.pending.get(m.id);
      this.pending.delete(m.id);
      done?.(m);
    });
    w.on('error', (e) => this.opts.log(`the worker thread failed: ${e.message}`));
    w.on('exit', (code) => {
      if (this.stopping) return;
      this.opts.log(`the worker thread exited (${code}); starting another, still serving verdicts from the state built ${this.table?.data.builtAt ?? 'never'}`);
      for (const [id, done] of this.pending) done({ t: 'built', id, error: 'the worker thread exited' });
      this.pending.clear();
      this.probe = undefined;
      this.spawn();
    });
    this.worker = w;
  }

  private now(): Date {
    return this.opts.now ? this.opts.now() : new Date();
  }

  private ask(m: WorkerRequest, timeoutMs?: number): Promise<FromWorker> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = timeoutMs ? setTimeout(() => (this.pending.delete(id), reject(new Error('the worker did not answer in time'))), timeoutMs) : undefined;
      this.pending.set(id, (r) => (clearTimeout(timer), resolve(r)));
      this.worker.postMessage({ ...m, id } as ToWorker);
    });
  }

  /** Builds the first state (its failure is the caller's), then keeps refreshing. */
  async start(): Promise<void> {
    await this.rebuild(await probeSources(this.src));
    this.timer = setInterval(() => void this.tick(), this.opts.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopping = true;
    await this.worker.terminate();
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
      if (message !== this.lastError) this.opts.log(`refresh failed, still serving the state built ${this.table?.data.builtAt ?? 'never'}: ${message}`);
      this.lastError = message;
    } finally {
      this.busy = false;
    }
  }

  private async rebuild(probe: string): Promise<void> {
    const r = await this.ask({ t: 'build', src: this.src, now: this.now().toISOString() });
    if (r.t !== 'built' || !r.table) {
      this.probe = probe; // the same sources would fail the same way: wait for them to change
      throw new Error(r.t === 'built' ? (r.error ?? 'no state') : 'unexpected answer');
    }
    this.table = new AdmissionTable(r.table);
    this.probe = probe;
    this.builtAt = Date.now();
    this.lastError = undefined;
    const t = this.now().getTime();
    this.expiry = Math.min(Infinity, ...r.table.expiries.filter((e) => e > t));
    this.opts.log(r.summary ?? 'state built');
  }

  /** A view of the newest state, rendered on the worker thread. */
  async view(req: ViewRequest): Promise<ViewAnswer> {
    const r = await this.ask({ t: 'view', req, now: this.now().toISOString() }, this.opts.viewTimeoutMs ?? 120_000);
    return r.t === 'view' ? { status: r.status, type: r.type, body: r.body } : { status: 500, type: 'application/json; charset=utf-8', body: '{"error":"internal error"}' };
  }
}
