// npm run bench:ledger — how fast the ledger reads, next to floors measured in the same run on the same data.
// A ledger of N runs (default 2,000; BENCH_RUNS=…) is written into a fresh git repository, one commit per run;
// then readRuns cold (no cache), warm (cache hit) and incremental (one new run), and verifyLedger are timed,
// before and after `git gc` packs the objects.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitRuns, Journal, LEDGER_REF, locateRepo, readRuns, verifyLedger } from '../../dist/engine/ledger/index.js';

const N = Number(process.env.BENCH_RUNS ?? 2000);
const HOSTS = 8;
const git = (cwd, args, input) => execFileSync('git', args, { cwd, input, maxBuffer: 1 << 30, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });

function runId(i) {
  const t = new Date(Date.UTC(2025, 0, 1) + i * 4 * 3600_000);
  return `${t.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z-${i.toString(16).padStart(6, '0')}`;
}

/** A run of HOSTS hosts with a package, a setting and a sysctl action each: about the size real runs have. */
function record(i) {
  const id = runId(i);
  const at = (s) => new Date(Date.UTC(2025, 0, 1) + i * 4 * 3600_000 + s * 1000).toISOString();
  const commit = (i * 2654435761 % 2 ** 32).toString(16).padStart(8, '0').repeat(5);
  const approval = { id: `APR-${i % 40}`, ticket: `CHG-${1000 + i}`, approver: 'alice', emergency: false, source: `remediations/approvals/apr-${i % 40}.yaml:1@${commit.slice(0, 12)}` };
  const hosts = Array.from({ length: HOSTS }, (_, h) => ({
    host: `web-${(i + h) % 50}`,
    system: 'web',
    ring: h < 2 ? 'pilot' : 'broad',
    status: 'changed',
    backup: `/var/lib/plumbline/backups/${id}`,
    packagesBefore: { openssl: '3.0.11-1~deb12u2' },
    packagesAfter: { openssl: '3.0.15-1~deb12u1' },
    factsDigestBefore: `sha256:${'a'.repeat(64)}`,
    factsDigestAfter: `sha256:${'b'.repeat(64)}`,
    startedAt: at(h * 30),
    endedAt: at(h * 30 + 25),
    actions: [
      { id: `web-${h}#1`, type: 'package-install', params: { name: 'openssl', version: '3.0.15-1~deb12u1', upgrade: true }, finding: 'package-vulnerable:openssl', findingKind: 'package-vulnerable', origin: { kind: 'remediation', id: 'DSA-5678-1', severity: 'high', emergency: false }, source: `remediations/dsa-5678-1.yaml:7@${commit.slice(0, 12)}`, approval, before: '3.0.11-1~deb12u2', after: '3.0.15-1~deb12u1', result: 'verified', startedAt: at(h * 30 + 2), appliedAt: at(h * 30 + 10), verifiedAt: at(h * 30 + 20) },
      { id: `web-${h}#2`, type: 'setting-set', params: { file: '/etc/ssh/sshd_config', syntax: 'space', key: 'PermitRootLogin', value: 'no' }, finding: 'setting:/etc/ssh/sshd_config:PermitRootLogin', findingKind: 'setting', origin: { kind: 'baseline', name: 'debian-12-server' }, source: `baselines/debian-12-server.yaml:31@${commit.slice(0, 12)}`, before: 'yes', after: 'no', result: 'verified', startedAt: at(h * 30 + 11), appliedAt: at(h * 30 + 12), verifiedAt: at(h * 30 + 20) },
      { id: `web-${h}#3`, type: 'sysctl-set', params: { key: 'net.ipv4.ip_forward', value: '0' }, finding: 'sysctl:net.ipv4.ip_forward', findingKind: 'sysctl', origin: { kind: 'baseline', name: 'debian-12-server' }, source: `baselines/debian-12-server.yaml:40@${commit.slice(0, 12)}`, before: '1', after: '0', result: 'verified', startedAt: at(h * 30 + 13), appliedAt: at(h * 30 + 14), verifiedAt: at(h * 30 + 20) },
    ],
  }));
  return { id, kind: 'reconcile', status: 'completed', startedAt: at(0), endedAt: at(HOSTS * 30), commit, ref: 'refs/heads/main', approvals: [approval], operator: { user: 'plumb', hostname: 'control' }, rings: [{ ring: 'pilot', status: 'completed', failed: 0, attempted: 2 }, { ring: 'broad', status: 'completed', failed: 0, attempted: HOSTS - 2 }], hosts, journal: { events: 60, head: 'c'.repeat(64), status: 'intact' } };
}

async function time(fn, reps = 1) {
  let best = Infinity;
  let out;
  for (let r = 0; r < reps; r++) {
    const t = process.hrtime.bigint();
    out = await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: best, out };
}

const rows = [];
const row = (what, ms, floorName, floorMs) => rows.push({ what, ms, floorName, floorMs });

const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-ledger-'));
git(dir, ['init', '-q', '-b', 'main']);
git(dir, ['commit', '-q', '--allow-empty', '-m', 'desired state']);
const repo = await locateRepo(dir);

// Writing: N runs through commitRuns in batches (one commit per run), and 30 runs through Journal.
const write = await time(async () => {
  for (let i = 0; i < N; i += 200) await commitRuns(repo, Array.from({ length: Math.min(200, N - i) }, (_, k) => record(i + k)));
});
process.stdout.write(`wrote ${N} runs (${HOSTS} hosts, ${HOSTS * 3} actions each) in ${(write.ms / 1000).toFixed(1)} s: ${(write.ms / N).toFixed(2)} ms per run committed\n`);
const blobBytes = Number(git(dir, ['cat-file', '-s', `${LEDGER_REF}:runs/${runId(0).slice(0, 4)}/${runId(0).slice(4, 6)}/${runId(0).slice(6, 8)}/${runId(0)}.json`]).toString().trim());

const journalRun = await time(async () => {
  for (let j = 0; j < 30; j++) {
    const r = record(N + 10 + j);
    const { hosts, rings, status, endedAt, journal, ...run } = r;
    const jr = await Journal.begin(dir, { t: 'run-start', at: run.startedAt, run });
    for (const h of hosts) {
      const { actions, status: _s, endedAt: _e, ...host } = h;
      jr.append({ t: 'host-start', at: h.startedAt, host: { ...host, actions: actions.map(({ result, ...a }) => a) } });
      for (const a of actions) {
        jr.append({ t: 'action-start', at: a.startedAt, host: h.host, action: a.id });
        jr.append({ t: 'action-applied', at: a.appliedAt, host: h.host, action: a.id });
      }
      jr.append({ t: 'verified', at: h.endedAt, host: h.host, verified: actions.map((a) => a.id), unverified: [] });
      jr.append({ t: 'host-end', at: h.endedAt, host: h.host, status: 'changed' });
    }
    await jr.finish('completed');
  }
});
const appendsPerRun = 1 + HOSTS * (3 + 6) + 1;
process.stdout.write(`30 runs through Journal (${appendsPerRun} fsynced events each, fold, commit): ${(journalRun.ms / 30).toFixed(1)} ms per run, ${(journalRun.ms / 30 / appendsPerRun).toFixed(2)} ms per event\n\n`);

let total = N + 30;

/** The real git listing the tree and printing every run blob through one cat-file process, then JSON.parse. */
function gitReadFloor() {
  const oids = execFileSync('git', ['ls-tree', '-r', '--object-only', LEDGER_REF], { cwd: dir, maxBuffer: 1 << 30 });
  const out = spawnSync('git', ['cat-file', '--batch'], { cwd: dir, input: oids, maxBuffer: 1 << 30 }).stdout;
  let n = 0;
  for (let i = 0; i < out.length; n++) {
    const nl = out.indexOf(10, i);
    const size = Number(out.subarray(i, nl).toString().split(' ')[2]);
    JSON.parse(out.subarray(nl + 1, nl + 1 + size).toString());
    i = nl + 1 + size + 1;
  }
  if (n !== total) throw new Error(`git floor read ${n} runs, expected ${total}`);
}

const cacheDir = join(dir, '.plumb/cache');
const parseCache = () => JSON.parse(readFileSync(join(cacheDir, 'ledger-runs.json'), 'utf8'));

async function measure(label) {
  const cold = await time(async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    return readRuns(dir);
  }, 3);
  if (cold.out.length !== total) throw new Error(`read ${cold.out.length} runs, expected ${total}`);
  row(`${label} readRuns, cold (no cache)`, cold.ms, 'git ls-tree + cat-file --batch + JSON.parse', (await time(gitReadFloor, 3)).ms);
  row(`${label} readRuns, warm (cache hit)`, (await time(() => readRuns(dir), 5)).ms, 'readFileSync + JSON.parse of the cache', (await time(parseCache, 5)).ms);
  const verify = await time(() => verifyLedger(dir));
  if (!verify.out.ok) throw new Error(JSON.stringify(verify.out.problems.slice(0, 3)));
  const logFloor = await time(() => execFileSync('git', ['log', '--raw', '--format=%H %P', LEDGER_REF], { cwd: dir, maxBuffer: 1 << 30 }));
  row(`${label} verifyLedger (${total} commits)`, verify.ms, 'git log --raw (walk + tree diffs)', logFloor.ms);
}

await measure('loose:');
// The incremental path: the cache holds the ledger as it was, and one run has been added since.
let incremental = Infinity;
for (let k = 0; k < 3; k++) {
  await commitRuns(repo, [record(N + 1000 + k)]);
  total++;
  const t = process.hrtime.bigint();
  const runs = await readRuns(dir);
  incremental = Math.min(incremental, Number(process.hrtime.bigint() - t) / 1e6);
  if (runs.length !== total) throw new Error(`incremental read ${runs.length} runs, expected ${total}`);
}
row('loose: readRuns after one new run (incremental)', incremental, 'readFileSync + JSON.parse of the cache', (await time(parseCache, 5)).ms);

git(dir, ['gc', '-q', '--prune=now']);
await measure('packed:');

const w = Math.max(...rows.map((r) => r.what.length));
process.stdout.write(`${'measurement'.padEnd(w)}  ${'ms'.padStart(8)}  ${'floor ms'.padStart(8)}  ${'ratio'.padStart(6)}  floor\n`);
for (const r of rows) process.stdout.write(`${r.what.padEnd(w)}  ${r.ms.toFixed(1).padStart(8)}  ${r.floorMs.toFixed(1).padStart(8)}  ${(r.ms / r.floorMs).toFixed(1).padStart(5)}x  ${r.floorName}\n`);
process.stdout.write(`\n(${total} runs, ${(blobBytes / 1024).toFixed(1)} KiB of JSON each; best of 3–5 repetitions; repository ${dir} removed)\n`);
rmSync(dir, { recursive: true, force: true });
