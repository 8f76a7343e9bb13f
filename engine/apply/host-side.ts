import { readFileSync } from 'node:fs';
import { PlumbError } from '../errors/index.js';
import type { JournalOwner } from '../ledger/journal-format.js';
import { ownerState } from '../ledger/owner.js';
import type { Transport } from '../transport/index.js';
import { shellQuote } from '../transport/shell.js';

/** Where the host keeps plumb's lock and its supervised transactions. */
export const HOST_ROOT = '/var/lib/plumbline';
export const TXN_ROOT = `${HOST_ROOT}/txn`;

const SCRIPT = readFileSync(new URL('./host-side.sh', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => !/^\s*#/.test(l))
  .join('\n');

function input(op: string, vars: Record<string, string | number>): string {
  const assign = Object.entries({ OP: op, ...vars }).map(([k, v]) => `${k}=${shellQuote(String(v))}`);
  return `${assign.join('\n')}\n${SCRIPT}\n`;
}

async function hostSide(t: Transport, op: string, vars: Record<string, string | number>, timeoutMs?: number): Promise<string> {
  const r = await t.exec('sh', { stdin: input(op, vars), privileged: true, timeoutMs });
  if (r.code !== 0) throw new PlumbError('E_HOST_SIDE', `${t.host}: the host-side journal (${op}) failed with exit status ${r.code}: ${r.stderr.toString('utf8').trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`, { data: { host: t.host, op } });
  return r.stdout.toString('utf8');
}

/** Who holds a host's lock, as its lock file says. */
export interface HostLockHolder {
  token?: string;
  owner?: string;
  controller?: JournalOwner;
  /** Seconds of the host's clock. */
  expires?: number;
  now?: number;
  running: Array<{ dir: string; pid: number }>;
}

export type LockResult = { ok: true; now: number; lastRelease: number; lastRun?: string } | { ok: false; holder: HostLockHolder };

function parseFields(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf('=');
    if (i > 0 && !(l.slice(0, i) in out)) out[l.slice(0, i)] = l.slice(i + 1);
  }
  return out;
}

export function parseLock(out: string): LockResult {
  const lines = out.split('\n').filter(Boolean);
  const f = parseFields(lines.slice(1));
  if (lines[0] === 'ok') return { ok: true, now: Number(f.now), lastRelease: Number(f.released) || 0, lastRun: f.last || undefined };
  if (lines[0] !== 'busy') throw new PlumbError('E_HOST_SIDE', `unexpected answer from the host-side lock: ${lines[0] ?? '(nothing)'}`);
  const running = lines.filter((l) => l.startsWith('running ')).map((l) => {
    const [, dir, pid] = l.split(' ');
    return { dir: dir!, pid: Number(pid) };
  });
  const controller = f.pid ? { pid: Number(f.pid), hostname: f.hostname ?? '', ...(f.start ? { start: f.start } : {}), ...(f.boot ? { boot: f.boot } : {}) } : undefined;
  return { ok: false, holder: { token: f.token, owner: f.owner, controller, expires: f.expires ? Number(f.expires) : undefined, now: f.now ? Number(f.now) : undefined, running } };
}

/** The host is held by another plumb run (or a transaction of one still runs there). */
export class HostBusy extends PlumbError {
  constructor(host: string, holder: HostLockHolder) {
    const who = holder.owner ? `held by ${holder.owner}` : 'held';
    const until = holder.expires && holder.now ? `, lease for ${Math.max(0, holder.expires - holder.now)} s more` : '';
    const txn = holder.running.length ? `; a package transaction still runs there (${holder.running.map((r) => `pid ${r.pid}, ${r.dir}`).join('; ')})` : '';
    super('E_HOST_BUSY', `host busy, ${who}${until}${txn}`, {
      hint: 'another plumb run changes this host; it is left alone and planned again by the next run',
      data: { host, token: holder.token },
    });
  }
}

export interface LockOptions {
  token: string;
  /** One line saying who: run, controller host, pid, state directory. */
  owner: string;
  controller: JournalOwner;
  ttlSeconds: number;
  /** How long to wait for a held host or a running transaction to finish before giving up. */
  waitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Takes the host's lock for the whole apply. A lock whose owner is a controller process on this machine that is
 * provably gone is taken over at once; a live holder or a transaction still running on the host is waited for up to
 * `waitMs`, then the host is reported busy, naming the holder.
 */
export async function lockHost(t: Transport, o: LockOptions): Promise<Extract<LockResult, { ok: true }>> {
  const sleep = o.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const deadline = Date.now() + o.waitMs;
  let replace = '';
  for (;;) {
    const vars = { TOKEN: o.token, OWNER: o.owner, CPID: o.controller.pid, CHOST: o.controller.hostname, CSTART: o.controller.start ?? '', CBOOT: o.controller.boot ?? '', TTL: o.ttlSeconds, REPLACE: replace };
    const r = parseLock(await hostSide(t, 'lock', vars));
    if (r.ok) return r;
    const h = r.holder;
    if (h.token && !h.running.length && h.controller && ownerState(h.controller) === 'dead' && replace !== h.token) {
      replace = h.token;
      continue;
    }
    if (Date.now() >= deadline) throw new HostBusy(t.host, h);
    await sleep(Math.min(1_000, Math.max(50, deadline - Date.now())));
  }
}

export async function renewHost(t: Transport, token: string, ttlSeconds: number): Promise<boolean> {
  return (await hostSide(t, 'renew', { TOKEN: token, TTL: ttlSeconds }, 30_000)).startsWith('ok');
}

/** Releases the lock; `changed` records this run as the host's last change (a later planner compares its facts' time with it). */
export async function unlockHost(t: Transport, token: string, changed: boolean): Promise<void> {
  await hostSide(t, 'unlock', { TOKEN: token, CHANGED: changed ? 1 : 0 }, 30_000);
}

/** The folder name of one supervised transaction: <run>.<step>. */
export function txnName(run: string, step: string): string {
  return `${run}.${step}`;
}

/** Starts `command` on the host under the detached supervisor; returns once it is launched. */
export async function startTxn(t: Transport, name: string, command: string): Promise<void> {
  const out = await hostSide(t, 'start', { TXN: name, CMD: command }, 60_000);
  if (!out.startsWith('started')) throw new PlumbError('E_HOST_SIDE', `${t.host}: a transaction ${name} exists already on the host`, { data: { host: t.host } });
}

export type TxnResult = { state: 'done'; code: number; log: string } | { state: 'lost' | 'never-started'; log: string };

/** Waits on the host for a transaction to end and reads its exit status and the end of its output. */
export async function waitTxn(t: Transport, name: string, timeoutMs?: number): Promise<TxnResult> {
  const out = await hostSide(t, 'wait', { TXN: name }, timeoutMs);
  const sep = out.indexOf('\n---\n');
  const head = (sep < 0 ? out : out.slice(0, sep)).trim();
  const log = sep < 0 ? '' : out.slice(sep + 5);
  const m = /^status (\d+)$/.exec(head);
  if (m) return { state: 'done', code: Number(m[1]), log };
  return { state: head === 'never-started' ? 'never-started' : 'lost', log };
}

export interface TxnStatus {
  step: string;
  state: 'done' | 'running' | 'lost';
  code?: number;
}

/** Every supervised transaction of a run on the host, as the host-side journal has it. */
export async function txnStatus(t: Transport, run: string): Promise<TxnStatus[]> {
  const out = await hostSide(t, 'status', { RUN: run }, 30_000);
  return out
    .split('\n')
    .filter((l) => l.startsWith('txn '))
    .map((l) => {
      const [, step, state, code] = l.split(' ');
      return { step: step!, state: state as TxnStatus['state'], ...(state === 'done' ? { code: Number(code) } : {}) };
    });
}
