import { parentPort } from 'node:worker_threads';
import { Answers, type ViewRequest } from './answers.js';
import { buildState, type StateSources } from './state.js';
import { tableData } from './table.js';

/**
 * plumb serve's second thread: it builds served states and renders the views (hosts JSON, metrics, dashboard
 * pages), so that neither a rebuild of 10,000 hosts nor a first metrics computation holds up the HTTP thread,
 * which answers verdicts from its own copy of the admission table. Messages: `build` → `built` (the table, or an
 * error); `view` → `view` (status, type, body). Views are answered from the newest state built.
 */
export type WorkerRequest = { t: 'build'; src: StateSources; now: string } | { t: 'view'; req: ViewRequest; now: string };
export type ToWorker = WorkerRequest & { id: number };
export type FromWorker = { t: 'built'; id: number; table?: ReturnType<typeof tableData>; summary?: string; error?: string } | { t: 'view'; id: number; status: number; type: string; body: string };

let answers: Answers | undefined;
const port = parentPort!;

port.on('message', (m: ToWorker) => {
  if (m.t === 'build') {
    const started = Date.now();
    buildState(m.src, new Date(m.now)).then(
      (state) => {
        answers = new Answers(state);
        const observed = Object.values(state.input.hosts).filter((o) => o.facts).length;
        const summary = `serving desired state ${state.commit?.slice(0, 12) ?? 'working tree'}: ${state.input.model.hosts.size} hosts (${observed} with facts), ${state.input.runs.length} runs; built in ${Date.now() - started} ms${state.warnings.map((w) => `; ${w}`).join('')}`;
        port.postMessage({ t: 'built', id: m.id, table: tableData(state), summary } satisfies FromWorker);
      },
      (e: unknown) => port.postMessage({ t: 'built', id: m.id, error: (e as Error)?.message ?? String(e) } satisfies FromWorker),
    );
    return;
  }
  try {
    const a = answers ? answers.answer(m.req, new Date(m.now)) : { status: 503, type: 'application/json; charset=utf-8', body: '{"error":"not ready"}' };
    port.postMessage({ t: 'view', id: m.id, ...a } satisfies FromWorker);
  } catch (e) {
    process.stderr.write(`plumb serve: internal error while rendering a view: ${(e as Error)?.message ?? String(e)}\n`);
    port.postMessage({ t: 'view', id: m.id, status: 500, type: 'application/json; charset=utf-8', body: '{"error":"internal error"}' } satisfies FromWorker);
  }
});
