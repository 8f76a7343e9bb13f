import { readFileSync } from 'node:fs';
import PQueue from 'p-queue';
import { FactsUnreadable, PlumbError } from '../errors/index.js';
import type { HostEntry, Model } from '../model/types.js';
import type { ConnectOptions, Transport } from '../transport/index.js';
import { TransportPool } from '../transport/pool.js';
import { shellQuote } from '../transport/shell.js';
import { parseFacts } from './parse.js';
import { encodeRequest, requestFor } from './request.js';
import type { Facts, FactsRequest } from './types.js';

/** The gather script, shipped beside this module (copied to dist/ by the build). */
export const GATHER_SCRIPT = readFileSync(new URL('./gather.sh', import.meta.url), 'utf8');

/** The one command: the script as `sh -c` argument, so standard input is left free for the request. */
export function gatherCommand(): string {
  return `sh -c ${shellQuote(GATHER_SCRIPT)} plumb-facts`;
}

export const DEFAULT_GATHER_TIMEOUT_MS = 120_000;

/** One exec on the host's existing connection, privileged so that root-only files and socket owners are visible. */
export async function gatherFacts(transport: Transport, request: FactsRequest, hostName: string, opts: { timeoutMs?: number } = {}): Promise<Facts> {
  const res = await transport.exec(gatherCommand(), { stdin: encodeRequest(request), privileged: true, timeoutMs: opts.timeoutMs ?? DEFAULT_GATHER_TIMEOUT_MS });
  try {
    return parseFacts(res.stdout.toString('utf8'), request, hostName);
  } catch (e) {
    if (e instanceof FactsUnreadable && res.code !== 0) {
      const why = res.stderr.toString('utf8').trim().split('\n').slice(-1)[0] ?? '';
      throw new FactsUnreadable(hostName, `the script exited with status ${res.code}${why ? `: ${why.slice(0, 200)}` : ''}`);
    }
    throw e;
  }
}

export interface GatherProgress {
  host: string;
  state: 'start' | 'done' | 'failed';
  done: number;
  total: number;
  error?: PlumbError;
}

export interface GatherAllOptions {
  /** Reuse these connections (and leave them open for the caller); otherwise a pool is made and closed here. */
  pool?: TransportPool;
  connect?: ConnectOptions;
  /** Hosts gathered at the same time; default 8. */
  concurrency?: number;
  timeoutMs?: number;
  onProgress?: (p: GatherProgress) => void;
}

export interface GatherAllResult {
  facts: Map<string, Facts>;
  /** Hosts that could not be reached or read; an unexpected failure is wrapped so that one host never stops the others. */
  errors: Map<string, PlumbError>;
}

/** Facts of many hosts, each over one connection, a bounded number at a time. */
export async function gatherAll(hosts: HostEntry[], model: Model, opts: GatherAllOptions = {}): Promise<GatherAllResult> {
  const pool = opts.pool ?? new TransportPool(opts.connect);
  const queue = new PQueue({ concurrency: opts.concurrency ?? 8 });
  const facts = new Map<string, Facts>();
  const errors = new Map<string, PlumbError>();
  let done = 0;
  try {
    await Promise.all(
      hosts.map((host) =>
        queue.add(async () => {
          opts.onProgress?.({ host: host.name, state: 'start', done, total: hosts.length });
          try {
            const transport = await pool.get(host);
            facts.set(host.name, await gatherFacts(transport, requestFor(model, host), host.name, { timeoutMs: opts.timeoutMs }));
            done++;
            opts.onProgress?.({ host: host.name, state: 'done', done, total: hosts.length });
          } catch (e) {
            const err = e instanceof PlumbError ? e : new PlumbError('E_GATHER', `gathering facts from '${host.name}' failed: ${(e as Error)?.message ?? String(e)}`, { cause: e });
            errors.set(host.name, err);
            done++;
            opts.onProgress?.({ host: host.name, state: 'failed', done, total: hosts.length, error: err });
          }
        }),
      ),
    );
  } finally {
    if (!opts.pool) await pool.closeAll();
  }
  return { facts, errors };
}
