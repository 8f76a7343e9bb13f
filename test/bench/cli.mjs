// npm run bench:cli — how long plumb takes to start, against `node -e 0` measured in the same run.
// Targets (issue 14): `plumb --version` and `plumb --help` ≤ 0.15 s; every command's fixed overhead — the
// command run on an empty desired-state repository (one empty commit), so it loads its modules and does no
// work — ≤ 0.2 s over node's own start. Rounds run every case once, in turn, so load on a shared machine
// falls on all of them alike; medians are reported. BENCH_ROUNDS=N for more rounds. Wall time is what the targets
// are about; the CPU time each process used (user + system, from a preload that reports process.cpuUsage() at
// exit) is printed beside it, because on a shared, loaded machine the wall time mostly measures the neighbours.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/engine/cli/main.js', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const repo = mkdtempSync(join(tmpdir(), 'plumb-bench-cli-'));
const out = mkdtempSync(join(tmpdir(), 'plumb-bench-cli-out-'));
execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=b@example.org', 'init', '-q', '-b', 'main']);
execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=b@example.org', 'commit', '-q', '--allow-empty', '-m', 'empty']);

/** Each command in a form that loads everything it needs and finds nothing to do (some end in a usage error after loading). */
const COMMANDS = [
  ['validate'],
  ['inventory', 'list', '--no-gather'],
  ['hosts', 'list'],
  ['facts', '--all'],
  ['plan'],
  ['apply', '--yes'],
  ['reconcile'],
  ['rollback', 'h', '--run', 'x'],
  ['rehearse', 'X'],
  ['admit', 'h'],
  ['history'],
  ['trace', 'h', 'x'],
  ['vulns', '--no-mirror'],
  ['propose', '--dry-run', '--no-mirror'],
  ['metrics'],
  ['report', '--out', join(out, 'report')],
  ['version', 'compare', '--scheme', 'deb', '1', '2'],
  ['lab', 'status', '--state-dir', join(out, 'lab')],
  ['advisories', 'list'],
  ['import', 'scap', join(out, 'absent.xml'), '--profile', 'x'],
  ['inventory', 'import', 'ansible', join(out, 'absent.ini'), '--dry-run'],
];

const cases = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'plumb --version', argv: [CLI, '--version'], target: 0.15 },
  { name: 'plumb --help', argv: [CLI, '--help'], target: 0.15 },
  ...COMMANDS.map((c) => ({ name: `plumb ${c.slice(0, c[0] === 'inventory' && c[1] === 'import' ? 3 : ['inventory', 'hosts', 'version', 'lab', 'advisories', 'import'].includes(c[0]) ? 2 : 1).join(' ')}`, argv: [CLI, '-C', repo, ...c], overhead: 0.2 })),
];

const CPU_PRELOAD = new URL('./cpu-preload.mjs', import.meta.url).href;
const times = new Map(cases.map((c) => [c.name, []]));
const cpu = new Map(cases.map((c) => [c.name, []]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      const s = performance.now();
      const r = spawnSync(process.execPath, c.argv, { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      times.get(c.name).push((performance.now() - s) / 1000);
      if (r.status !== 0 && r.status !== 1 && r.status !== 2) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
      const m = spawnSync(process.execPath, ['--import', CPU_PRELOAD, ...c.argv], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      cpu.get(c.name).push(Number(m.output[3]));
    }
  }
} finally {
  rmSync(repo, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floor = median(times.get('node -e 0'));
const cpuFloor = median(cpu.get('node -e 0'));
const s = (x) => `${x.toFixed(3)} s`;
console.log(`${ROUNDS} rounds; medians. node -e 0 (the floor): ${s(floor)} wall, ${s(cpuFloor)} CPU`);
let missed = 0;
for (const c of cases.slice(1)) {
  const t = median(times.get(c.name));
  const over = t - floor;
  const verdict = c.target !== undefined ? (t <= c.target ? 'MET' : 'MISSED') : over <= c.overhead ? 'MET' : 'MISSED';
  if (verdict === 'MISSED') missed++;
  const goal = c.target !== undefined ? `target ≤ ${c.target} s` : `target ≤ +${c.overhead} s`;
  const c1 = median(cpu.get(c.name));
  console.log(`${c.name.padEnd(24)} ${s(t)}  (+${s(over)} over node)  ${goal} → ${verdict}   CPU ${s(c1)} (+${s(c1 - cpuFloor)})`);
}
console.log(missed ? `${missed} target(s) missed` : 'every target met');
