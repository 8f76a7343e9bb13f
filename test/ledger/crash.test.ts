import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldJournal, LEDGER_REF, parseJournal, readRuns, recoverJournals, verifyLedger, type JournalEvent } from '../../engine/ledger/index.js';
import { assertBuilt, git, gitOk, ROOT, workingRepo, workingState } from './repo.js';
import { sampleJournal } from './sample.js';

/**
 * kill -9 at random points of a real plumb process (dist/), then recovery: everything the process had acknowledged
 * (append() returned and it said so on its pipe) must be in the ledger, exactly once, and git must find the
 * repository intact.
 */

const LIB = assertBuilt();

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves when the child has printed at least n lines (or has exited). */
  seen(n: number): Promise<void>;
}

function child(mode: 'journal' | 'leave' | 'recover', repo: string): Child {
  const proc = spawn(process.execPath, [join(ROOT, 'test/ledger/child.mjs'), mode, repo, LIB], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let buf = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    for (const w of waiters.filter((w) => lines.length >= w.n)) w.resolve();
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code, signal) => {
      for (const w of waiters) w.resolve();
      if (code && code !== 0) console.error(`child ${mode} exited ${code}: ${stderr}`);
      resolve(signal ? null : code);
    }),
  );
  return { proc, lines, exited, seen: (n) => new Promise((resolve) => (lines.length >= n || proc.exitCode !== null ? resolve() : waiters.push({ n, resolve }))) };
}

/** A small deterministic generator, so that a failing iteration can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (s * 1103515245 + 12345) >>> 0) % 2 ** 31) / 2 ** 31;
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

describe('kill -9 of a process writing the ledger', () => {
  it('loses no acknowledged event, and recovery commits each interrupted run once', async () => {
    const repo = workingRepo();
    const before = workingState(repo);
    const outcomes = { beforeBegin: 0, midJournal: 0, duringFinish: 0, afterCommit: 0 };
    for (let i = 0; i < 24; i++) {
      const seed = 1000 + i;
      const rand = rng(seed);
      const id = `20261125T14${String(10 + i).padStart(2, '0')}00Z-${seed.toString(16).padStart(6, '0')}`;
      const events = sampleJournal({ id, start: new Date(Date.UTC(2026, 10, 25, 14, 10 + i)) });
      const c = child('journal', repo);
      c.proc.stdin.end(`${JSON.stringify({ events, paceMs: i % 2 ? 3 : 0 })}\n`);
      // Kill after a random number of lines on the pipe (0: while node starts or begin() runs), plus a random delay.
      const target = Math.floor(rand() * (events.length + 2));
      await c.seen(target);
      await sleep(target === 0 ? 40 + rand() * 80 : rand() < 0.5 ? 0 : rand() * 15);
      c.proc.kill('SIGKILL');
      await c.exited;

      const acked = c.lines.filter((l) => l.startsWith('ok ')).length;
      const committed = c.lines.some((l) => l.startsWith('committed '));
      const path = join(repo, '.plumb/journal', `${id}.jsonl`);
      const onDisk = existsSync(path) ? parseJournal(readFileSync(path, 'utf8')) : undefined;
      if (onDisk) {
        // Nothing acknowledged is lost, and nothing on disk differs from what was sent.
        expect(onDisk.events.slice(0, acked), `seed ${seed}`).toEqual(events.slice(0, acked));
        expect(onDisk.seal.status, `seed ${seed}`).toBe('intact');
        expect(onDisk.events.length).toBeGreaterThanOrEqual(acked);
      }

      const recovered = await recoverJournals(repo);
      expect(await recoverJournals(repo), 'recovery is idempotent').toEqual([]);
      const runs = (await readRuns(repo)).filter((r) => r.id === id);
      if (!onDisk && !runs.length) {
        expect(acked, `seed ${seed}: a run that acknowledged events must be in the ledger`).toBe(0);
        outcomes.beforeBegin++;
        continue;
      }
      expect(runs, `seed ${seed}`).toHaveLength(1);
      const run = runs[0]!;
      if (run.recovered) {
        if (c.lines.includes('finishing')) outcomes.duringFinish++;
        else outcomes.midJournal++;
        expect(recovered.map((r) => r.id)).toEqual([id]);
        expect(run.journal!.events).toBeGreaterThanOrEqual(acked);
        const { recovered: _r, journal: _j, ...rest } = run;
        expect(rest, `seed ${seed}`).toEqual(JSON.parse(JSON.stringify(foldJournal(onDisk!.events, { id }))));
      } else {
        outcomes.afterCommit++;
        expect(committed || c.lines.includes('finishing')).toBe(true);
        expect(acked).toBe(events.length - 1);
        expect(recovered).toEqual([]);
        expect(run.status).toBe('completed');
      }
    }
    console.log(`crash outcomes over 24 kills: ${JSON.stringify(outcomes)}`);
    expect(outcomes.midJournal).toBeGreaterThan(3);
    expect(outcomes.duringFinish).toBeGreaterThan(1);
    expect(readdirSync(join(repo, '.plumb/journal')).filter((n) => n.includes('.jsonl'))).toEqual([]);
    const fsck = git(repo, ['fsck', '--strict', '--no-dangling']);
    expect(fsck.code, fsck.stderr).toBe(0);
    expect(fsck.stderr + fsck.stdout).toBe('');
    expect(gitOk(repo, ['for-each-ref', '--format=%(refname)'])).toBe(`refs/heads/main\n${LEDGER_REF}\n`);
    expect(await verifyLedger(repo)).toMatchObject({ ok: true, problems: [] });
    expect(workingState(repo)).toEqual(before);
  });
});

describe('recovery by two processes at once', () => {
  it('commits each left-behind journal exactly once', async () => {
    const repo = workingRepo();
    let total = 0;
    for (let round = 0; round < 3; round++) {
      const rand = rng(77 + round);
      const docs: JournalEvent[][] = [];
      for (let k = 0; k < 6; k++) {
        const id = `20261126T0${round}${k}000Z-${(round * 16 + k).toString(16).padStart(6, '0')}`;
        const events = sampleJournal({ id, start: new Date(Date.UTC(2026, 10, 26, round, k * 10)) });
        docs.push(events.slice(0, 1 + Math.floor(rand() * (events.length - 1))));
      }
      const writer = child('leave', repo);
      writer.proc.stdin.end(docs.map((d) => JSON.stringify({ events: d })).join('\n') + '\n');
      expect(await writer.exited).toBe(0);

      const racers = [child('recover', repo), child('recover', repo)];
      await Promise.all(racers.map((r) => r.seen(1)));
      for (const r of racers) r.proc.stdin.write('go\n');
      await Promise.all(racers.map((r) => r.seen(2)));
      for (const r of racers) r.proc.stdin.end();
      expect(await Promise.all(racers.map((r) => r.exited))).toEqual([0, 0]);
      const [a, b] = racers.map((r) => JSON.parse(r.lines[1]!) as string[]);
      const ids = docs.map((d) => (d[0] as Extract<JournalEvent, { t: 'run-start' }>).run.id);
      expect([...a!, ...b!].sort(), `round ${round}: a=${a} b=${b}`).toEqual([...ids].sort());
      total += ids.length;
      const runs = await readRuns(repo);
      expect(runs.map((r) => r.id)).toEqual([...new Set(runs.map((r) => r.id))]);
      expect(runs).toHaveLength(total);
      expect(gitOk(repo, ['rev-list', '--count', LEDGER_REF]).trim()).toBe(String(total));
    }
    expect(readdirSync(join(repo, '.plumb/journal')).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
    expect(git(repo, ['fsck', '--strict', '--no-dangling']).code).toBe(0);
    expect((await verifyLedger(repo)).ok).toBe(true);
  });
});
