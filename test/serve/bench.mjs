// npm run bench:serve [-- --hosts N --seconds S]: plumb serve's admission endpoint under a real load generator (wrk)
// against 10,000 hosts of generated facts, compared with a floor measured in the same run: the same framework
// (fastify) answering a constant on the same route shape. Reports p99 latency, requests per second and the
// server's peak memory against the targets (p99 ≤ 5 ms, ≥ 2,000 req/s, ≤ 1 GiB), and the same while the server
// rebuilds its state (the facts file rewritten, as after a reconcile). Run after `npm run build`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashToken, newToken } from '../../dist/engine/serve/auth.js';
import { generateOrganization } from '../bench/generate-org.mjs';
import { seeded } from '../bench/random.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/engine/cli/main.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOSTS = arg('hosts', 10_000);
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 10);
const TARGET = { p99Ms: 5, rps: 2000, rssBytes: 1024 ** 3 };

function wrkAvailable() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (e) {
    if (e.code === 'ENOENT') return false;
  }
  return true;
}

function facts(name, i, rnd) {
  const packages = {};
  const add = (n, version, source = n) => (packages[n] = { name: n, version, arch: 'amd64', status: 'installed', source, sourceVersion: version });
  const b = i % 200;
  for (let k = 0; k < 20; k++) add(`pkg-${b}-${k}`, `1.${k}-1`);
  // Packages the remediations name (src-N / pkg-N, fixed in 2.R-1): some hosts lag behind, so verdicts differ.
  for (let k = 0; k < 20; k++) {
    const n = rnd.int(500);
    add(`pkg-${n}`, rnd.rnd() < 0.3 ? '1.0-1' : '9.0-1', `src-${n}`);
  }
  for (const n of ['bash', 'coreutils', 'libc6', 'openssl', 'openssh-server', 'systemd', 'sudo', 'tar', 'gzip', 'apt']) add(n, '1.0-1');
  const at = new Date(Date.now() - rnd.int(3 * 86_400_000)).toISOString();
  return { host: name, gatheredAt: at, os: { id: 'debian', versionId: '12', versionCodename: 'bookworm' }, kernel: '6.1.0-18-amd64', arch: 'amd64', platform: 'apt', packages, held: [], files: {}, settings: {}, services: {}, sysctl: {}, listening: [{ proto: 'tcp', address: '0.0.0.0', port: 22 }], rebootRequired: false, rebootPackages: [], uptimeSeconds: 1000, unknown: [] };
}

function start(args, { env = {} } = {}) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const started = Date.now();
  const url = new Promise((resolve, reject) => {
    child.stderr.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`exited ${c}: ${err}`)));
  });
  return { child, url, started, log: () => err };
}

function memory(pid, field = 'VmHWM') {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function wrk(url, paths, token) {
  const script = join(dir, 'wrk.lua');
  writeFileSync(script, `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i], ${token ? `{ ["Authorization"] = "Bearer ${token}" }` : 'nil'})\nend\n`);
  const out = execFileSync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
  const ms = (v, unit) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? NaN);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p50 = /50%\s+([\d.]+)(us|ms|s)/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return { p50: ms(p50[1], p50[2]), p99: ms(p99[1], p99[2]), rps: Number(rps[1]), errors: Number(non2xx?.[1] ?? 0), raw: out };
}

if (!wrkAvailable()) {
  console.log('bench:serve needs wrk (apt-get install wrk; .ci/run installs it)');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-serve-'));
try {
  const t0 = Date.now();
  generateOrganization(dir, { hosts: HOSTS });
  execFileSync('git', ['-C', dir, 'init', '-q', '-b', 'main']);
  execFileSync('git', ['-C', dir, 'add', '-A']);
  execFileSync('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.org', 'commit', '-qm', 'bench organization']);
  const rnd = seeded(16);
  const names = Array.from({ length: HOSTS }, (_, h) => `host-${h}`);
  const snapshot = { version: 1, gatheredAt: new Date().toISOString(), hosts: Object.fromEntries(names.map((n, i) => [n, facts(n, i, rnd)])) };
  writeFileSync(join(dir, 'facts.json'), JSON.stringify(snapshot));
  const token = newToken();
  writeFileSync(join(dir, 'serve.yaml'), `tokens:\n  - { name: bench, sha256: ${hashToken(token)}, scopes: [admission] }\nlimits: { rate: 1000000 }\nrefresh: 1s\n`);
  console.log(`organization: ${HOSTS} hosts, 200 baselines, 3,000 remediations; facts snapshot ${(JSON.stringify(snapshot).length / 1e6).toFixed(0)} MB (${((Date.now() - t0) / 1000).toFixed(1)} s to generate)`);

  // Requests by name and by address, every host in turn.
  const paths = names.flatMap((n, h) => (h % 2 ? [`/v1/admission/${n}`] : [`/v1/admission/10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`]));

  const floorSrc = join(dir, 'floor.mjs');
  writeFileSync(floorSrc, `import Fastify from '${join(ROOT, 'node_modules/fastify/fastify.js')}';\nconst app = Fastify({ logger: false });\napp.get('/v1/admission/:id', async (req, reply) => reply.type('application/json; charset=utf-8').send('{"verdict":"admit"}'));\nconst a = await app.listen({ host: '127.0.0.1', port: 0 });\nprocess.stderr.write('listening on ' + a + '\\n');\n`);
  const floor = start([floorSrc]);
  const floorUrl = await floor.url;
  wrk(floorUrl, paths.slice(0, 100), null); // warm up
  const f = wrk(floorUrl, paths, null);
  floor.child.kill('SIGTERM');

  const srv = start([CLI, '-C', dir, 'serve', '--config', join(dir, 'serve.yaml'), '--facts', join(dir, 'facts.json'), '--ref', 'main', '--listen', '127.0.0.1:0']);
  const url = await srv.url;
  const startup = (Date.now() - srv.started) / 1000;
  const sample = JSON.parse(execFileSync('curl', ['-s', '-H', `Authorization: Bearer ${token}`, `${url}/v1/admission/host-1`], { encoding: 'utf8' }));
  wrk(url, paths.slice(0, 1000), token); // warm up
  const s = wrk(url, paths, token);
  const steady = memory(srv.child.pid, 'VmRSS');
  // The reconciler rewrote the facts: the server notices within a second and rebuilds while it answers.
  utimesSync(join(dir, 'facts.json'), new Date(), new Date());
  await new Promise((r) => setTimeout(r, 1500));
  const during = wrk(url, paths, token);
  const rss = memory(srv.child.pid);
  srv.child.kill('SIGTERM');

  const ok = (v) => (v ? 'met' : 'NOT met');
  console.log(`plumb serve started (state of ${HOSTS} hosts built) in ${startup.toFixed(1)} s; a verdict: ${sample.verdict} (${sample.reasons.map((r) => r.rule).join(', ') || 'no reason'})`);
  console.log(`wrk, 1 thread, ${CONNECTIONS} connections, ${SECONDS} s, requests by name and address over all hosts:`);
  console.log(`  floor (fastify answering a constant): ${f.rps.toFixed(0)} req/s, p50 ${f.p50.toFixed(2)} ms, p99 ${f.p99.toFixed(2)} ms`);
  console.log(`  plumb serve /v1/admission/{id}:      ${s.rps.toFixed(0)} req/s, p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms (${(s.rps / f.rps).toFixed(2)}× the floor's throughput)${s.errors ? `, ${s.errors} non-2xx answers` : ''}`);
  console.log(`  … while it rebuilds its state (facts file rewritten): ${during.rps.toFixed(0)} req/s, p50 ${during.p50.toFixed(2)} ms, p99 ${during.p99.toFixed(2)} ms`);
  console.log(`  memory of plumb serve: ${(steady / 1024 ** 2).toFixed(0)} MiB serving, ${(rss / 1024 ** 2).toFixed(0)} MiB at its peak (start-up or rebuild, when a new state is built beside the old)`);
  console.log(`  p99 against the floor's p99: ${(s.p99 / f.p99).toFixed(2)}× (on a machine busy with other work, the floor's own p99 says how much of the tail is the machine)`);
  console.log(`targets: p99 ≤ ${TARGET.p99Ms} ms ${ok(s.p99 <= TARGET.p99Ms)}; ≥ ${TARGET.rps} req/s ${ok(s.rps >= TARGET.rps)}; memory ≤ 1 GiB ${ok(rss <= TARGET.rssBytes)}; all answers 2xx ${ok(!s.errors)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
