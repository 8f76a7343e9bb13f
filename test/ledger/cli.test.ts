import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Journal, LEDGER_REF, recoverJournals, type JournalEvent } from '../../engine/ledger/index.js';
import { assertBuilt, gitOk, ROOT, workingRepo, workingState } from './repo.js';
import { sampleJournal } from './sample.js';

/** `plumb history` and `plumb trace` end to end: the built CLI on a real repository with runs, one of them interrupted. */

const LIB = assertBuilt();
const MAIN = join(ROOT, 'dist/engine/cli/main.js');
for (const f of ['history/index', 'history/render', 'trace/index', 'trace/render']) {
  if (!existsSync(join(ROOT, `dist/engine/cli/${f}.js`)) || statSync(join(ROOT, `engine/cli/${f}.ts`)).mtimeMs > statSync(join(ROOT, `dist/engine/cli/${f}.js`)).mtimeMs) {
    throw new Error(`dist/engine/cli/${f}.js is missing or older than its source: run \`npm run build\` first (npm test does)`);
  }
}

function plumb(repo: string, args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, '-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const A = '20261125T143000Z-aaaaaa';
const B = '20261126T143000Z-bbbbbb';
const C = '20261127T090000Z-cccccc';
let repo: string;
let before: ReturnType<typeof workingState>;

beforeAll(async () => {
  repo = workingRepo();
  before = workingState(repo);
  for (const [id, day] of [[A, 25], [B, 26]] as const) {
    const events = sampleJournal({ id, start: new Date(Date.UTC(2026, 10, day, 14, 30)) });
    const j = await Journal.begin(repo, events[0] as Extract<JournalEvent, { t: 'run-start' }>);
    for (const e of events.slice(1, -1)) j.append(e);
    await j.finish('completed');
  }
  // A third run, killed after its first action on web-1 was applied: its journal is left for the next run.
  const left = sampleJournal({ id: C, start: new Date(Date.UTC(2026, 10, 27, 9, 0)) }).slice(0, 7);
  const child = spawn(process.execPath, [join(ROOT, 'test/ledger/child.mjs'), 'leave', repo, LIB], { stdio: ['pipe', 'ignore', 'inherit'] });
  child.stdin.end(`${JSON.stringify({ events: left })}\n`);
  await new Promise((r) => child.on('exit', r));
});

describe('plumb history (built CLI)', () => {
  it('shows the timeline newest first, the interrupted run from its journal, with before → after, results, approvals and times', () => {
    const r = plumb(repo, ['history']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const order = [C, B, A].map((id) => r.stdout.indexOf(`run ${id}`));
    expect(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(r.stdout).toContain(`run ${C}  apply  interrupted  [interrupted, not in the ledger yet: the next run commits it]`);
    expect(r.stdout).toContain('  commit     0123456789ab (refs/heads/main)');
    expect(r.stdout).toContain('  approvals  APR-0017 by alice (CHG-1234)');
    expect(r.stdout).toMatch(/✓ verified {3}package-install openssl {2}3\.0\.11-1~deb12u2 → 3\.0\.15-1~deb12u1\n {8}started 14:30:06Z · applied 14:30:07Z · verified 14:30:12Z · approval APR-0017 by alice, CHG-1234/);
    expect(r.stdout).toContain('✗ failed     sysctl-set net.ipv4.ip_forward  1 → 0');
    expect(r.stdout).toMatch(/E_INTERRUPTED: the run was interrupted .* after this action was applied and before it was verified/);
  });

  it('narrows to a host, limits, picks one run by prefix, and prints JSON for scripts', () => {
    const one = plumb(repo, ['history', 'web-2', '--limit', '1']);
    expect(one.stdout).toContain(`run ${B}`);
    expect(one.stdout).not.toContain(`run ${A}`);
    expect(one.stdout).not.toContain('web-1');
    expect(one.stdout).toContain('… 1 older run(s) not shown');
    expect(plumb(repo, ['history', '--run', '20261125']).stdout.match(/^run /gm)).toHaveLength(1);
    const doc = JSON.parse(plumb(repo, ['history', '--json']).stdout);
    expect(doc.ledger).toEqual({ ref: LEDGER_REF, tip: gitOk(repo, ['rev-parse', LEDGER_REF]).trim() });
    expect(doc.runs.map((x: { id: string }) => x.id)).toEqual([B, A]);
    expect(doc.pending).toMatchObject([{ id: C, state: 'interrupted', run: { status: 'interrupted' } }]);
    expect(doc.runs[0].hosts[0].actions[0]).toMatchObject({ result: 'verified', approval: { approver: 'alice', ticket: 'CHG-1234' } });
  });

  it('refuses what it cannot answer with a message and exit 1, never a stack trace', () => {
    for (const [args, msg] of [
      [['history', 'web-9'], 'host web-9 is not in the ledger'],
      [['history', '--run', '2026'], "'2026' names 3 runs"],
      [['history', '--run', '1999'], 'run 1999 is not in the ledger'],
      [['history', '--limit', '-2'], "--limit '-2' is not a whole number"],
      [['history', '--since', 'soon'], "--since 'soon' is neither a date"],
    ] as const) {
      const r = plumb(repo, [...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('verifies the chain: intact, then damaged by a commit made with the real git', () => {
    const ok = plumb(repo, ['history', '--verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ledger intact: 2 commits, 2 runs up to [0-9a-f]{12}/);
    expect(ok.stdout).toContain(`notice: run ${C}: journal of an interrupted run, committed by the next run`);
    const scratch = workingRepo();
    for (const ref of [LEDGER_REF]) gitOk(scratch, ['fetch', '-q', repo, `${ref}:${ref}`]);
    const root = gitOk(scratch, ['ls-tree', LEDGER_REF]);
    const blob = gitOk(scratch, ['hash-object', '-w', '--stdin'], 'not a run\n').trim();
    const tree = gitOk(scratch, ['mktree'], `${root}100644 blob ${blob}\tnotes.txt\n`).trim();
    const commit = gitOk(scratch, ['commit-tree', tree, '-p', LEDGER_REF, '-m', 'sneaky'], '').trim();
    gitOk(scratch, ['update-ref', LEDGER_REF, commit]);
    const bad = plumb(scratch, ['history', '--verify']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`problem: commit ${commit.slice(0, 12)}: notes.txt is not where a run record belongs`);
    expect(bad.stdout).toMatch(/ledger damaged: 1 problem in 3 commits/);
    expect(JSON.parse(plumb(scratch, ['history', '--verify', '--json']).stdout)).toMatchObject({ ok: false, commits: 3, runs: 3 });
  });

  it('marks the interrupted run [recovered] once the next run has committed it, and leaves the working tree alone', async () => {
    expect((await recoverJournals(repo)).map((r) => r.id)).toEqual([C]);
    const r = plumb(repo, ['history', '--run', C]);
    expect(r.stdout).toContain(`run ${C}  apply  interrupted  [recovered]`);
    expect(plumb(repo, ['history', '--verify']).stdout).toMatch(/ledger intact: 3 commits, 3 runs/);
    expect(workingState(repo)).toEqual(before);
  });
});

describe('plumb trace (built CLI)', () => {
  it('answers which commit, which requirement, approved by whom, changed a package, and when', () => {
    const r = plumb(repo, ['trace', 'web-1', 'openssl']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('web-1 · openssl: 3 actions in 3 runs (newest first)');
    expect(r.stdout).toContain('2026-11-26 14:30:07Z  verified  package-install openssl  3.0.11-1~deb12u2 → 3.0.15-1~deb12u1');
    expect(r.stdout).toContain('  commit     0123456789abcdef0123456789abcdef01234567 (refs/heads/main)');
    expect(r.stdout).toContain('  required   remediations/dsa-5678-1.yaml:7@0123456789ab (remediation DSA-5678-1, high)');
    expect(r.stdout).toContain('  approved   APR-0017 by alice, ticket CHG-1234, window weekend (remediations/approvals/apr-0017.yaml:1@0123456789ab)');
    expect(r.stdout).toContain('  times      started 14:30:06Z · applied 14:30:07Z · verified 14:30:12Z');
  });

  it('finds settings by file, by file:key and by key, units and sysctl keys; baselines are approved by their merge', () => {
    for (const q of ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config:PermitRootLogin', 'PermitRootLogin', 'setting:/etc/ssh/sshd_config:PermitRootLogin']) {
      const r = plumb(repo, ['trace', 'web-1', q]);
      expect(r.stdout, q).toMatch(/: 3 actions in 3 runs/);
      expect(r.stdout).toContain('  approved   by the reviewed merge of the baseline');
    }
    expect(plumb(repo, ['trace', 'web-2', 'net.ipv4.ip_forward']).stdout).toMatch(/: 2 actions in 2 runs[\s\S]*error {6}E_ACTION_FAILED/);
  });

  it('prints JSON, says when nothing matched, and refuses an unknown host', () => {
    const doc = JSON.parse(plumb(repo, ['trace', 'web-1', 'openssl', '--json']).stdout);
    expect(doc.entries.map((e: { run: { id: string } }) => e.run.id)).toEqual([C, B, A]);
    expect(doc.entries[1].action.approval).toMatchObject({ id: 'APR-0017', approver: 'alice', ticket: 'CHG-1234' });
    const none = plumb(repo, ['trace', 'web-1', 'nginx']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no recorded action on web-1 touched nginx');
    expect(none.stdout).toContain('hint: actions on web-1 concern /etc/ssh/sshd_config, openssl, reboot-required:kernel');
    const unknown = plumb(repo, ['trace', 'web-9', 'openssl']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('host web-9 is not in the ledger');
    expect(plumb(repo, ['trace', '--help']).stdout).toContain('Examples:');
    expect(plumb(repo, ['history', '--help']).stdout).toContain('Examples:');
  });
});
