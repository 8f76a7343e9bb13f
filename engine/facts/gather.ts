import { readFileSync } from 'node:fs';
import PQueue from 'p-queue';
import { FactsInvalid, FactsUnreadable, PlumbError } from '../errors/index.js';
import { factsProblem } from './check.js';
import type { HostEntry, Model } from '../model/types.js';
import type { ConnectOptions, Transport } from '../transport/index.js';
import { TransportPool } from '../transport/pool.js';
import { shellQuote } from '../transport/shell.js';
import { parseFacts } from './parse.js';
import { runManualChecks } from '../manual/commands.js';
import { encodeRequest, requestFor } from './request.js';
import type { Facts, FactsRequest } from './types.js';

const part = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

/**
 * The script as sent: comment lines and indentation removed, since every host parses it anew (a quarter less text,
 * about half a millisecond per host). Safe for these scripts (and the perl of gather-nofollow.pl): none has a
 * here-document or a quoted string that spans lines other than the newline constant, whose second line is a lone quote.
 */
export function compactScript(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^[ \t]+/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n');
}

/** The gather script, shipped beside this module (copied to dist/ by the build): helpers and unit-state functions, then the main flow. */
export const GATHER_SCRIPT = compactScript(['gather-lib.sh', 'gather-units.sh', 'gather.sh'].map(part).join('\n'));

/** The perl that reads what the shell must not read by name (gather-nofollow.pl), handed to the script as $NOFOLLOW. */
export const NOFOLLOW_SCRIPT = compactScript(part('gather-nofollow.pl'));

/**
 * The one command. The script comes on standard input rather than as an argument: the login shell then has nothing
 * to parse but this word, and the request travels inside the script as a quoted literal.
 */
export function gatherCommand(): string {
  return 'sh';
}

/**
 * What the command reads: the request as one quoted literal, then the script, all in one `{ … } </dev/null` group.
 * The shell reads a group whole before running it, and inside it standard input is /dev/null, so no tool can eat the
 * script. dash and busybox sh read their input in blocks; bash (/bin/sh on some systems) reads a pipe byte by byte
 * (18,000 reads, ~15 ms), so the first line hands bash the rest through one cat and `sh -c` instead (~3 ms).
 */
export function gatherInput(request: FactsRequest): string {
  return `${BASH_HOP}\n{\nREQ=${shellQuote(encodeRequest(request))}\nNOFOLLOW=${shellQuote(NOFOLLOW_SCRIPT)}\n${GATHER_SCRIPT}\n} </dev/null\n`;
}

const BASH_HOP = '[ -n "${BASH_VERSION-}" ] && command -v cat >/dev/null 2>&1 && exec sh -c "$(cat)" plumb-facts';

export const DEFAULT_GATHER_TIMEOUT_MS = 120_000;

/**
 * What one host's gather may print: 64 MiB, or PLUMB_GATHER_MAX_BYTES. A real host prints a few hundred KiB (its
 * package list, a few files); a host that sends more is given up with E_OUTPUT_TOO_LARGE as the bytes arrive.
 */
export function gatherMaxBytes(): number {
  const v = Number(process.env.PLUMB_GATHER_MAX_BYTES);
  return Number.isInteger(v) && v > 0 ? v : 64 * 2 ** 20;
}

/** Past this much output, a host waits for one of a few large slots: many hosts sending a lot at once stay bounded. */
const SMALL_OUTPUT = 8 * 2 ** 20;
const LARGE_BUDGET = 192 * 2 ** 20;

class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(n: number) {
    this.free = n;
  }
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.free--;
        let done = false;
        resolve(() => {
          if (done) return;
          done = true;
          this.free++;
          this.waiting.shift()?.();
        });
      };
      if (this.free > 0) grant();
      else this.waiting.push(grant);
    });
  }
}
let large: { slots: Slots; max: number } | undefined;
function largeSlots(max: number): Slots {
  if (!large || large.max !== max) large = { slots: new Slots(Math.max(1, Math.floor(LARGE_BUDGET / max))), max };
  return large.slots;
}

/**
 * One exec on the host's existing connection, privileged so that root-only files and socket owners are visible.
 * The output is capped (gatherMaxBytes), and held while memory is shared out (at most 8 MiB per host without a
 * large slot); the parsed facts must hold up (factsProblem) or this host fails alone with E_FACTS_INVALID.
 */
export async function gatherFacts(transport: Transport, request: FactsRequest, hostName: string, opts: { timeoutMs?: number; maxBytes?: number } = {}): Promise<Facts> {
  const maxBytes = opts.maxBytes ?? gatherMaxBytes();
  let slot: Promise<() => void> | undefined;
  const onOutput = (bytes: number) => {
    if (bytes <= SMALL_OUTPUT || maxBytes <= SMALL_OUTPUT) return undefined;
    slot ??= largeSlots(maxBytes).acquire();
    return slot.then(() => undefined);
  };
  try {
    const res = await transport.exec(gatherCommand(), { stdin: gatherInput(request), privileged: true, timeoutMs: opts.timeoutMs ?? DEFAULT_GATHER_TIMEOUT_MS, maxOutputBytes: maxBytes, onOutput });
    return checked(res, request, hostName);
  } finally {
    if (slot) void slot.then((release) => release());
  }
}

function checked(res: { code: number; stdout: Buffer; stderr: Buffer }, request: FactsRequest, hostName: string): Facts {
  try {
    const facts = parseFacts(res.stdout, request, hostName);
    const problem = factsProblem(facts);
    if (problem) throw new FactsInvalid(hostName, problem);
    return facts;
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
  // Before any connection: an ssh_config plumb cannot follow stops here, and nothing is contacted.
  pool.prepare(model, hosts);
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
            const f = await gatherFacts(transport, requestFor(model, host), host.name, { timeoutMs: opts.timeoutMs });
            await runManualChecks(transport, model, host, f);
            facts.set(host.name, f);
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
