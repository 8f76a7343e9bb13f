import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labUp, type LabInfo } from '../../engine/lab/index.js';
import { readRuns } from '../../engine/ledger/index.js';
import { describeLabMachine, onHost } from '../lab/skip.js';
import { serveGit } from '../support/git-http.js';
import { CLI, Org } from '../support/org.js';

describeLabMachine('reconcile from a smart-HTTP remote, and surviving kill -9', () => {
  const name = `crash${process.pid}`;
  let lab: LabInfo;
  let org: Org;
  let server: Awaited<ReturnType<typeof serveGit>>;
  const bare = mkdtempSync(join(tmpdir(), 'plumb-remote-'));
  const state = mkdtempSync(join(tmpdir(), 'plumb-state-'));
  const on = (i: number, s: string) => onHost(lab, lab.hosts[i - 1]!, s);

  beforeAll(async () => {
    lab = await labUp({ name, hosts: 3, rings: 'pilot=1,broad', system: 'intranet', replace: true, owner: `test-${process.pid}` });
    org = new Org(`${lab.stateDir}/inventory.yaml`);
    execFileSync('git', ['clone', '-q', '--bare', org.dir, join(bare, 'desired-state.git')]);
    server = await serveGit(bare);
  }, 20 * 60_000);
  afterAll(async () => {
    await server?.close();
    org?.cleanup();
    rmSync(bare, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
    if (lab) await labDown({ name });
  });

  const plumb = (...args: string[]) => {
    const r = spawnSyncCli(['-C', state, ...args]);
    return r;
  };

  it('fetches the approved branch over smart HTTP (git http-backend) and records the fetched commit', async () => {
    await on(2, 'chmod 0644 /etc/shadow');
    const remoteMain = execFileSync('git', ['-C', join(bare, 'desired-state.git'), 'rev-parse', 'main'], { encoding: 'utf8' }).trim();
    const r = await plumb('reconcile', '--remote', `${server.url}/desired-state.git`, '--ref', 'main');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
    expect(server.requests.some((q) => q.includes('git-upload-pack'))).toBe(true);
    const run = (await readRuns(state)).at(-1)!;
    expect(run.commit).toBe(remoteMain);
    expect((await on(2, 'stat -c %a /etc/shadow')).trim()).toBe('640');
    // Nothing was checked out: the state directory holds a repository, the ledger and no working files.
    expect(existsSync(join(state, 'baselines'))).toBe(false);
  });

  it('loses no ledger record when killed mid-run, and the next run finishes without repeating verified work', async () => {
    for (const i of [1, 2, 3]) await on(i, 'chmod 0644 /etc/shadow; chmod 0600 /etc/issue.net; sysctl -q -w net.ipv4.conf.all.send_redirects=1');
    const journalDir = join(state, '.plumb', 'journal');
    const child = spawn(process.execPath, [CLI, '-C', state, 'reconcile', '--remote', `${server.url}/desired-state.git`, '--ref', 'main'], { stdio: 'ignore', env: { ...process.env, SSH_AUTH_SOCK: '' } });
    // Kill it the moment the journal shows an action applied on some host: mid-host, mid-run.
    const deadline = Date.now() + 120_000;
    let appliedBeforeKill = 0;
    while (Date.now() < deadline) {
      const files = existsSync(journalDir) ? readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')) : [];
      const text = files.map((f) => readFileSync(join(journalDir, f), 'utf8')).join('');
      appliedBeforeKill = (text.match(/"t":"action-applied"/g) ?? []).length;
      if (appliedBeforeKill > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(appliedBeforeKill).toBeGreaterThan(0);
    const killedRunFiles = readdirSync(journalDir).filter((f) => f.endsWith('.jsonl'));
    expect(killedRunFiles.length).toBe(1);

    const runsBefore = (await readRuns(state)).length;
    const r = await plumb('reconcile', '--remote', `${server.url}/desired-state.git`, '--ref', 'main');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
    expect(r.stdout).toMatch(/recovered the journal of interrupted run/);
    const runs = await readRuns(state);
    expect(runs.length).toBe(runsBefore + 2);
    const [recovered, finishing] = runs.slice(-2) as [typeof runs[number], typeof runs[number]];
    expect(recovered).toMatchObject({ recovered: true, status: 'interrupted' });
    const appliedThen = recovered.hosts.flatMap((h) => h.actions.filter((a) => a.appliedAt).map((a) => `${h.host} ${a.finding}`));
    expect(appliedThen.length).toBeGreaterThanOrEqual(appliedBeforeKill);
    // What the killed run had already done is not done again.
    const doneNow = finishing.hosts.flatMap((h) => h.actions.map((a) => `${h.host} ${a.finding}`));
    for (const a of appliedThen) expect(doneNow).not.toContain(a);
    for (const i of [1, 2, 3]) {
      expect((await on(i, 'stat -c %a /etc/shadow /etc/issue.net')).split('\n').filter(Boolean)).toEqual(['640', '644']);
    }
    // And the ledger is sound: a hash-chained history git itself accepts.
    execFileSync('git', ['-C', state, 'fsck', '--no-dangling']);
  });
});

function spawnSyncCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
