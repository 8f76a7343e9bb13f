import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitRuns, foldJournal, Journal, LEDGER_REF, locateRepo, readRuns, recoverJournals, serializeRun, verifiedIndex, verifyLedger, type RunRecord } from '../../engine/ledger/index.js';
import { sampleJournal } from './sample.js';
import { bareRepo, git, gitOk, tempDir, workingRepo, workingState } from './repo.js';

/** Runs a sample journal through Journal exactly as the apply engine does: begin, append as it goes, finish. */
async function record(repo: string, id: string, day: number): Promise<{ commit: string; record: RunRecord }> {
  const events = sampleJournal({ id, start: new Date(Date.UTC(2026, 10, day, 14, 30)) });
  const journal = await Journal.begin(repo, events[0] as Extract<(typeof events)[0], { t: 'run-start' }>);
  for (const e of events.slice(1, -1)) journal.append(e);
  return journal.finish('completed');
}

const ids = ['20261125T143000Z-aaaaaa', '20261126T143000Z-bbbbbb', '20261201T143000Z-cccccc'];

describe('the ledger in a real git repository', () => {
  it('commits one run per commit on refs/plumbline/ledger, fsck-clean, without touching HEAD, index or working tree', async () => {
    const repo = workingRepo();
    const before = workingState(repo);
    const commits: string[] = [];
    for (const [i, id] of ids.entries()) commits.push((await record(repo, id, [25, 26, 32][i]!)).commit);

    expect(workingState(repo)).toEqual(before);
    expect(existsSync(join(repo, '.plumb/journal', `${ids[0]}.jsonl`))).toBe(false);
    expect(gitOk(repo, ['rev-parse', LEDGER_REF]).trim()).toBe(commits.at(-1));
    const log = gitOk(repo, ['log', '--format=%H %P|%an <%ae>|%s', LEDGER_REF]).trim().split('\n');
    expect(log.map((l) => l.split('|')[2])).toEqual(ids.map((id) => `run ${id}: apply completed, 3 hosts, 5 actions (desired state 0123456789ab)`).reverse());
    expect(log.map((l) => l.split('|')[1])).toEqual(['plumbline <plumbline@localhost>', 'plumbline <plumbline@localhost>', 'plumbline <plumbline@localhost>']);
    // Each commit's parent is the run before: a hash chain.
    expect(log.map((l) => l.split('|')[0]!.split(' ')[1] ?? '')).toEqual([commits[1], commits[0], '']);
    const fsck = git(repo, ['fsck', '--strict', '--no-dangling']);
    expect(fsck.code, fsck.stderr).toBe(0);
    expect(fsck.stderr).toBe('');
    expect(gitOk(repo, ['ls-tree', '-r', '--name-only', LEDGER_REF]).trim().split('\n')).toEqual([
      'runs/2026/11/25/20261125T143000Z-aaaaaa.json',
      'runs/2026/11/26/20261126T143000Z-bbbbbb.json',
      'runs/2026/12/01/20261201T143000Z-cccccc.json',
    ]);
    const stored = gitOk(repo, ['cat-file', 'blob', `${LEDGER_REF}:runs/2026/11/25/20261125T143000Z-aaaaaa.json`]);
    const runs = await readRuns(repo);
    expect(serializeRun(runs[0]!)).toBe(stored);
    expect(runs.map((r) => r.id)).toEqual(ids);
    expect(runs[0]!.journal).toMatchObject({ status: 'intact', events: sampleJournal().length });
    expect(await verifyLedger(repo)).toMatchObject({ ok: true, commits: 3, runs: 3, problems: [] });
  });

  it('filters runs by host (narrowed to that host) and by start', async () => {
    const repo = workingRepo();
    for (const [i, id] of ids.entries()) await record(repo, id, [25, 26, 32][i]!);
    const web2 = await readRuns(repo, { host: 'web-2' });
    expect(web2.map((r) => r.hosts.map((h) => h.host))).toEqual([['web-2'], ['web-2'], ['web-2']]);
    expect((await readRuns(repo, { since: '2026-11-26' })).map((r) => r.id)).toEqual(ids.slice(1));
    expect((await readRuns(repo, { since: ids[2] })).map((r) => r.id)).toEqual(ids.slice(2));
    await expect(readRuns(repo, { since: 'last tuesday' })).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(verifiedIndex(await readRuns(repo)).get('web-1')!.get('package-vulnerable:openssl')!.run).toBe(ids[2]);
  });

  it('reads the same runs with a cold cache, a warm one, an incremental one, a damaged one, and after git gc packs everything', async () => {
    const repo = workingRepo();
    await record(repo, ids[0]!, 25);
    await record(repo, ids[1]!, 26);
    const cold = await readRuns(repo);
    expect(existsSync(join(repo, '.plumb/cache/ledger-runs.json'))).toBe(true);
    expect(await readRuns(repo)).toEqual(cold);
    await record(repo, ids[2]!, 32);
    const third = await readRuns(repo);
    expect(third.map((r) => r.id)).toEqual(ids);
    for (const junk of ['{"v":1,"tip":', '{"v":1,"tip":"x","dirs":{},"entries":[{"path":3}]}', 'null']) {
      writeFileSync(join(repo, '.plumb/cache/ledger-runs.json'), junk);
      expect(await readRuns(repo)).toEqual(third);
    }
    rmSync(join(repo, '.plumb/cache'), { recursive: true });
    gitOk(repo, ['gc', '-q', '--prune=now']);
    gitOk(repo, ['pack-refs', '--all']);
    expect(existsSync(join(repo, '.git', LEDGER_REF))).toBe(false);
    expect(await readRuns(repo)).toEqual(third);
    expect(await verifyLedger(repo)).toMatchObject({ ok: true, commits: 3 });
    // A packed ref is moved by writing a loose one over it, as git does.
    await record(repo, '20261202T143000Z-dddddd', 33);
    expect((await readRuns(repo)).length).toBe(4);
    expect(git(repo, ['fsck', '--strict', '--no-dangling']).code).toBe(0);
  });

  it('replicates with git push and reads back from the bare copy', async () => {
    const repo = workingRepo();
    for (const [i, id] of ids.entries()) await record(repo, id, [25, 26, 32][i]!);
    const bare = bareRepo();
    gitOk(repo, ['push', '-q', bare, `${LEDGER_REF}:${LEDGER_REF}`]);
    expect(await readRuns(bare)).toEqual(await readRuns(repo));
    expect(await verifyLedger(bare)).toMatchObject({ ok: true, commits: 3, runs: 3 });
    // The copy refuses a rewritten history, like any git remote: a rewrite cannot pass quietly.
    gitOk(repo, ['update-ref', LEDGER_REF, `${LEDGER_REF}~1`]);
    await record(repo, '20261203T143000Z-eeeeee', 34);
    const push = git(repo, ['push', '-q', bare, `${LEDGER_REF}:${LEDGER_REF}`]);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toMatch(/non-fast-forward|rejected/);
  });

  it('works from a linked worktree: refs and objects are the common ones, journals stay in the worktree', async () => {
    const repo = workingRepo();
    await record(repo, ids[0]!, 25);
    const wt = join(tempDir('plumb-ledger-wt-'), 'wt');
    gitOk(repo, ['worktree', 'add', '-q', wt, '-b', 'side']);
    await record(wt, ids[1]!, 26);
    expect((await readRuns(repo)).map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect((await readRuns(wt)).map((r) => r.id)).toEqual(ids.slice(0, 2));
    expect(gitOk(repo, ['rev-list', '--count', LEDGER_REF]).trim()).toBe('2');
    expect(existsSync(join(wt, '.plumb/.gitignore'))).toBe(true);
    expect(gitOk(wt, ['status', '--porcelain'])).toBe('');
    expect(git(repo, ['fsck', '--strict', '--no-dangling']).code).toBe(0);
  });

  it('commits every run exactly once when many writers race in one process', async () => {
    const repo = workingRepo();
    const many = Array.from({ length: 12 }, (_, i) => `20261125T1430${String(i).padStart(2, '0')}Z-${String(i).padStart(6, '0')}`);
    await Promise.all(many.map((id) => record(repo, id, 25)));
    const runs = await readRuns(repo);
    expect(runs.map((r) => r.id).sort()).toEqual(many);
    // Ledger order is the order the commits were made in (racing writers finish in any order), not the ids' order.
    const committed = gitOk(repo, ['log', '--reverse', '--format=%(trailers:key=Plumb-Run,valueonly)', LEDGER_REF]).split('\n').filter(Boolean);
    expect(runs.map((r) => r.id)).toEqual(committed);
    expect(gitOk(repo, ['rev-list', '--count', LEDGER_REF]).trim()).toBe('12');
    expect(await verifyLedger(repo)).toMatchObject({ ok: true, commits: 12, runs: 12 });
  });

  it('waits for a lock git holds, takes over the lock of a dead plumb process, and reports a lock that stays', async () => {
    const repo = workingRepo();
    const r = await locateRepo(repo);
    const lock = join(r.gitdir, `${LEDGER_REF}.lock`);
    const run = foldJournal(sampleJournal({ id: ids[0] }));
    gitOk(repo, ['update-ref', 'refs/plumbline/placeholder', 'HEAD']); // creates refs/plumbline/
    writeFileSync(lock, '');
    await expect(commitRuns(r, [run], { lockTimeoutMs: 200 })).rejects.toMatchObject({ code: 'E_LEDGER_LOCKED' });
    setTimeout(() => rmSync(lock), 100);
    await commitRuns(r, [run], { lockTimeoutMs: 5000 });
    writeFileSync(lock, `plumb ${JSON.stringify({ pid: 2 ** 22 + 17, hostname: (await import('node:os')).hostname() })}\n`);
    await commitRuns(r, [foldJournal(sampleJournal({ id: ids[1] }))], { lockTimeoutMs: 200 });
    expect((await readRuns(repo)).map((x) => x.id)).toEqual(ids.slice(0, 2));
    expect(existsSync(lock)).toBe(false);
    expect(readdirSync(join(r.gitdir, 'refs/plumbline')).sort()).toEqual(['ledger', 'placeholder']);
  });

  it('honours PLUMB_LEDGER_AUTHOR and refuses a malformed one before writing anything', async () => {
    const repo = workingRepo();
    const r = await locateRepo(repo);
    process.env.PLUMB_LEDGER_AUTHOR = 'Patch Bot <patchbot@example.org>';
    try {
      await commitRuns(r, [foldJournal(sampleJournal({ id: ids[0] }))]);
      expect(gitOk(repo, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', LEDGER_REF]).trim()).toBe('Patch Bot <patchbot@example.org>|Patch Bot <patchbot@example.org>');
      process.env.PLUMB_LEDGER_AUTHOR = 'nobody';
      await expect(commitRuns(r, [foldJournal(sampleJournal({ id: ids[1] }))])).rejects.toMatchObject({ code: 'E_LEDGER_AUTHOR' });
    } finally {
      delete process.env.PLUMB_LEDGER_AUTHOR;
    }
  });
});

describe('verifyLedger', () => {
  /** Rewrites the ledger with the real git: a new commit on top whose tree is `edit`ed from the tip's. */
  function forge(repo: string, edit: (files: Map<string, string>) => void, message = 'run 20261125T143000Z-aaaaaa: forged\n\nPlumb-Run: 20261125T143000Z-aaaaaa\n'): void {
    const tmpIndex = join(repo, '.git', 'forge-index');
    const env = { GIT_INDEX_FILE: tmpIndex };
    const files = new Map<string, string>();
    for (const line of gitOk(repo, ['ls-tree', '-r', LEDGER_REF]).trim().split('\n')) {
      const [meta, path] = line.split('\t');
      files.set(path!, meta!.split(' ')[2]!);
    }
    edit(files);
    const spec = [...files].map(([p, oid]) => `100644 ${oid}\t${p}`).join('\n') + '\n';
    const run = (args: string[], input?: string) => {
      const r = spawnSync('git', args, { cwd: repo, input, encoding: 'utf8', env: { ...process.env, ...env, GIT_AUTHOR_NAME: 'm', GIT_AUTHOR_EMAIL: 'm@m', GIT_COMMITTER_NAME: 'm', GIT_COMMITTER_EMAIL: 'm@m' } });
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout.trim();
    };
    run(['update-index', '--index-info'], spec);
    const tree = run(['write-tree']);
    const commit = run(['commit-tree', tree, '-p', LEDGER_REF, '-m', message]);
    run(['update-ref', LEDGER_REF, commit]);
    rmSync(tmpIndex, { force: true });
  }

  it('reports a run record changed, a run removed, a stray file and a hand-edited record, naming the commit', async () => {
    const repo = workingRepo();
    for (const [i, id] of ids.entries()) await record(repo, id, [25, 26, 32][i]!);
    const path = 'runs/2026/11/25/20261125T143000Z-aaaaaa.json';
    const original = gitOk(repo, ['cat-file', 'blob', `${LEDGER_REF}:${path}`]);
    const hash = (text: string, where = repo) => gitOk(where, ['hash-object', '-w', '--stdin'], text).trim();

    forge(repo, (f) => f.set(path, hash(original.replace('"verified"', '"failed"'))));
    let report = await verifyLedger(repo);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.message)).toContain(`${path} was changed: runs are only ever added`);
    expect(report.problems[0]!.commit).toBe(gitOk(repo, ['rev-parse', LEDGER_REF]).trim());

    const repo2 = workingRepo();
    for (const [i, id] of ids.entries()) await record(repo2, id, [25, 26, 32][i]!);
    forge(repo2, (f) => f.delete(path));
    expect((await verifyLedger(repo2)).problems.map((p) => p.message)).toEqual(['runs/2026/11/25/ (with every run in it) was removed: runs are only ever added', 'adds 0 files; each ledger commit adds one run']);

    const repo3 = workingRepo();
    await record(repo3, ids[0]!, 25);
    const p4 = 'runs/2026/11/26/20261126T143000Z-bbbbbb.json';
    const run2 = JSON.parse(original) as RunRecord;
    run2.id = '20261126T143000Z-bbbbbb';
    forge(repo3, (f) => f.set(p4, hash(JSON.stringify(run2), repo3)), 'run 20261126T143000Z-bbbbbb: x\n\nPlumb-Run: 20261126T143000Z-bbbbbb\n');
    expect((await verifyLedger(repo3)).problems.map((p) => p.message)).toEqual([`${p4} is not in the form plumb writes: it was edited`]);
    forge(repo3, (f) => f.set('README', hash('hello\n', repo3)), 'notes');
    expect((await verifyLedger(repo3)).problems.map((p) => p.message)).toEqual([
      'README is not where a run record belongs (runs/YYYY/MM/DD/<run id>.json)',
      `${p4} is not in the form plumb writes: it was edited`,
    ]);
  });

  it('reports an object altered on disk', async () => {
    const repo = workingRepo();
    await record(repo, ids[0]!, 25);
    const blob = gitOk(repo, ['rev-parse', `${LEDGER_REF}:runs/2026/11/25/20261125T143000Z-aaaaaa.json`]).trim();
    const file = join(repo, '.git/objects', blob.slice(0, 2), blob.slice(2));
    // Replace the object with another valid object's bytes: it no longer hashes to its name.
    const other = gitOk(repo, ['hash-object', '-w', '--stdin'], 'tampered\n').trim();
    rmSync(file, { force: true });
    writeFileSync(file, readFileSync(join(repo, '.git/objects', other.slice(0, 2), other.slice(2))));
    const report = await verifyLedger(repo);
    expect(report.ok).toBe(false);
    expect(report.problems[0]!.message).toMatch(/SHA check failed|does not hash to its id/);
  });

  it('lists journals waiting for recovery as notices, not problems', async () => {
    const repo = workingRepo();
    const events = sampleJournal({ id: ids[0] });
    const j = await Journal.begin(repo, events[0] as Extract<(typeof events)[0], { t: 'run-start' }>);
    j.append(events[1]!);
    const report = await verifyLedger(repo);
    expect(report).toMatchObject({ ok: true, tip: null, commits: 0, journals: [{ id: ids[0], state: 'running' }] });
    expect(await recoverJournals(repo)).toEqual([]); // ours, and we are alive: never touched
  });
});
