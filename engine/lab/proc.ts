import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { LabCommandFailed } from '../errors/lab.js';
import { shellJoin } from '../transport/shell.js';

/** The edge where the lab meets the machine: running tools, and finding, checking and ending processes by PID. */

export interface RunOptions {
  /** What the command is for, for the error message: "building the image (debootstrap)". */
  what: string;
  hint?: string;
  input?: string | Buffer;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with every line the command prints (stdout and stderr), e.g. to show progress. */
  onLine?: (line: string) => void;
  timeoutMs?: number;
  /** Aborting kills the command (it is ours: we started it). */
  signal?: AbortSignal;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; resolves with its exit status and output, whatever the status. */
export function tryRun(cmd: string, args: readonly string[], opts: Omit<RunOptions, 'what' | 'hint'> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let partial = '';
    const lines = (chunk: Buffer) => {
      if (!opts.onLine) return;
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) opts.onLine(l);
    };
    child.stdout.on('data', (c: Buffer) => (out.push(c), lines(c)));
    child.stderr.on('data', (c: Buffer) => (err.push(c), lines(c)));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (e.code === 'ENOENT') resolve({ code: 127, stdout: '', stderr: `${cmd}: command not found` });
      else if (e.name === 'AbortError') resolve({ code: 130, stdout: '', stderr: `${cmd}: aborted` });
      else reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') + (signal ? `\n(killed by ${signal})` : '') });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a command and returns its stdout; a non-zero exit becomes a LabCommandFailed naming what it was for. */
export async function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<string> {
  const r = await tryRun(cmd, args, opts);
  if (r.code !== 0) throw new LabCommandFailed(opts.what, shellJoin([cmd, ...args]), r.stderr || r.stdout, opts.hint);
  return r.stdout;
}

/**
 * Starts a long-lived process in its own session, detached from us, output to a log file. The caller
 * records the PID right away: that record is how `down` finds it again.
 */
export function spawnDetached(cmd: string, args: readonly string[], logPath: string, env?: NodeJS.ProcessEnv): Promise<number> {
  const log = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log], env: env ?? process.env });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        resolve(child.pid!);
      });
    });
  } finally {
    closeSync(log);
  }
}

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot. A PID plus its start time names one process for good. */
export function procStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[19]);
  } catch {
    return null;
  }
}

/** True when PID runs and, if a start time is given, is still the same process (not a reused PID); zombies count as gone. */
export function isAlive(pid: number, startTime?: number | null): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return false;
    return startTime == null || Number(rest[19]) === startTime;
  } catch {
    return false;
  }
}

export interface OwnedProcess {
  pid: number;
  startTime?: number | null;
}

/** Sends SIGKILL (or the given signal) to each still-living owned process and waits until all are gone. */
export async function killAndWait(procs: OwnedProcess[], signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 4000): Promise<OwnedProcess[]> {
  const live = procs.filter((p) => isAlive(p.pid, p.startTime));
  for (const p of live) {
    try {
      process.kill(p.pid, signal);
    } catch {
      /* it ended between the check and the kill */
    }
  }
  const deadline = Date.now() + timeoutMs;
  let left = live;
  while (left.length && Date.now() < deadline) {
    await sleep(20);
    left = left.filter((p) => isAlive(p.pid, p.startTime));
  }
  return left;
}

export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
