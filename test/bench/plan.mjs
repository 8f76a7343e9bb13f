// npm run bench:plan — two figures:
//  1. a no-op `plan` over 20 real lab hosts vs the floor measured in the same run: a bare ssh2 connect plus one
//     `dpkg-query -W` per host, at the same concurrency. Target: ≤ 1.5× the floor. Runs alternate floor and plan;
//     the median ratio counts, and each run is broken down into phases (see `phases` below).
//  2. the pure diff + plan for 10,000 generated hosts × 500 packages. Target: ≤ 5 s and ≤ 2 GiB.
// Part 1 needs root (the lab); without it only part 2 runs, and says so.
// Options: --no-lab, --no-pure (skip a part), --runs N (lab runs, default 5); PLUMB_BENCH_LAB names the lab.
import { spawnSync } from 'node:child_process';
import ssh2 from 'ssh2';
import { readFileSync } from 'node:fs';
import { labDown, labUp } from '../../dist/engine/lab/index.js';
import { loadRepository, loadSnapshot } from '../../dist/engine/model/load.js';
import { gatherAll } from '../../dist/engine/facts/gather.js';
import { factsDigest } from '../../dist/engine/facts/digest.js';
import { assemblePlan } from '../../dist/engine/plan/assemble.js';
import { openTransport } from '../../dist/engine/transport/index.js';
import { TransportPool } from '../../dist/engine/transport/pool.js';
import { Org } from './org-for-bench.mjs';

const HOSTS = 20;
// Another name lets two benchmarks (or a benchmark and a developer's lab) run side by side.
const LAB = process.env.PLUMB_BENCH_LAB ?? 'benchplan';
const argValue = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(argValue('--runs') ?? 5);
const PURE_RUNS = 3;
const fmt = (s) => `${s.toFixed(2)} s`;
const ms = (s) => `${Math.round(s * 1000)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Phases of one run, in seconds from its start. Connections and commands overlap (each host runs its command as soon
 * as it is connected), so the phases are windows, not a sum: `connected` is when the last host finished its
 * handshake, `answered` when the last host's command returned; `tail` = answered − connected is the time the commands
 * add after the last handshake, and `exec` the median time one host's command took.
 */
function phases(start, connectedAt, answeredAt) {
  const connected = Math.max(...connectedAt.values()) - start;
  const answered = Math.max(...answeredAt.values()) - start;
  const exec = median([...answeredAt.entries()].map(([h, t]) => t - connectedAt.get(h)));
  return { connected: connected / 1000, answered: answered / 1000, tail: (answered - connected) / 1000, exec: exec / 1000 };
}

async function floorRun(lab) {
  const key = readFileSync(lab.keyPath);
  const connectedAt = new Map();
  const answeredAt = new Map();
  const t0 = performance.now();
  await Promise.all(
    lab.hosts.map(
      (h) =>
        new Promise((resolve, reject) => {
          const c = new ssh2.Client();
          c.on('ready', () => {
            connectedAt.set(h.name, performance.now());
            c.exec('dpkg-query -W', (err, stream) => {
              if (err) return reject(err);
              stream.on('data', () => {}).stderr.on('data', () => {});
              stream.on('close', () => {
                answeredAt.set(h.name, performance.now());
                c.end();
                resolve();
              });
            });
          })
            .on('error', reject)
            .connect({ host: h.address, port: h.port, username: 'root', privateKey: key, hostVerifier: () => true });
        }),
    ),
  );
  const secs = (performance.now() - t0) / 1000;
  return { secs, ...phases(t0, connectedAt, answeredAt) };
}

async function planRun(dir) {
  const t0 = performance.now();
  const { model, digest } = await loadRepository(dir, 'main');
  const loaded = performance.now();
  const hosts = [...model.hosts.values()];
  const connectedAt = new Map();
  const answeredAt = new Map();
  const pool = new TransportPool({ agent: '' }, async (host, opts) => {
    const t = await openTransport(host, opts);
    connectedAt.set(host.name, performance.now());
    return t;
  });
  const onProgress = (p) => p.state !== 'start' && answeredAt.set(p.host, performance.now());
  const { facts, errors } = await gatherAll(hosts, model, { pool, concurrency: HOSTS, onProgress });
  await pool.closeAll();
  if (errors.size) throw new Error([...errors.values()][0].message);
  const gathered = performance.now();
  const plan = assemblePlan(model, hosts.map((h) => ({ host: h.name, facts: facts.get(h.name), digest: factsDigest(facts.get(h.name)) })), { stateDigest: digest });
  const end = performance.now();
  return { secs: (end - t0) / 1000, actions: plan.summary.actions, load: (loaded - t0) / 1000, ...phases(loaded, connectedAt, answeredAt), assemble: (end - gathered) / 1000 };
}

async function labPart() {
  if (process.getuid?.() !== 0) {
    console.log('part 1 (lab): skipped — needs root for the lab');
    return;
  }
  const lab = await labUp({ name: LAB, hosts: HOSTS, rings: 'pilot=2,broad', system: 'intranet', replace: true });
  const org = new Org(`${lab.stateDir}/inventory.yaml`);
  try {
    // Make every host compliant first, so the measured plan is a no-op (what a scheduled run mostly sees).
    const r = spawnSync(process.execPath, ['dist/engine/cli/main.js', '-C', org.dir, 'reconcile', '--ref', 'main'], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' } });
    if (r.status !== 0 && r.status !== 2) throw new Error(`reconcile failed (${r.status}): ${r.stderr}`);
    await floorRun(lab); // warm-up: key exchange caches, page cache
    await planRun(org.dir);
    const rows = [];
    for (let i = 0; i < RUNS; i++) {
      const floor = await floorRun(lab);
      const plan = await planRun(org.dir);
      rows.push({ floor, plan });
    }
    for (const [i, { floor: f, plan: p }] of rows.entries()) {
      console.log(`run ${i + 1}: floor ${fmt(f.secs)}  plan ${fmt(p.secs)}  ratio ${(p.secs / f.secs).toFixed(2)}×  (${p.actions} actions)`);
      console.log(`       floor: connected ${ms(f.connected)}, +${ms(f.tail)} until the last answer (exec ${ms(f.exec)} per host)`);
      console.log(`       plan:  load ${ms(p.load)}, connected +${ms(p.connected)}, +${ms(p.tail)} until the last facts (gather ${ms(p.exec)} per host), assemble ${ms(p.assemble)}`);
    }
    const m = (f) => median(rows.map(f));
    const ratio = m((r) => r.plan.secs / r.floor.secs);
    console.log(`medians: floor ${fmt(m((r) => r.floor.secs))} (connected ${ms(m((r) => r.floor.connected))}, exec tail ${ms(m((r) => r.floor.tail))}); plan ${fmt(m((r) => r.plan.secs))} (load ${ms(m((r) => r.plan.load))}, connected ${ms(m((r) => r.plan.connected))}, gather tail ${ms(m((r) => r.plan.tail))}, gather ${ms(m((r) => r.plan.exec))} per host, assemble ${ms(m((r) => r.plan.assemble))})`);
    console.log(`no-op plan over ${HOSTS} lab hosts: median ratio ${ratio.toFixed(2)}× the floor (ssh2 connect + dpkg-query -W per host); target ≤ 1.5× → ${ratio <= 1.5 ? 'MET' : 'MISSED'}`);
  } finally {
    org.cleanup();
    await labDown({ name: LAB });
  }
}

function pureInputs(hostCount, pkgCount) {
  const files = [];
  const enc = new TextEncoder();
  const add = (path, text) => files.push({ path, bytes: enc.encode(text) });
  add('inventory/org.yaml', `systems:\n  - { name: s1, impact: high, owner: o }\n  - { name: s2, impact: low, owner: o }\nrings:\n  - { name: pilot, soak: 0 }\n  - { name: broad, soak: 0 }\nboard:\n  members:\n    - { id: alice, name: A, email: a@example.org }\n`);
  const baselines = 20;
  for (let b = 0; b < baselines; b++) {
    const req = Array.from({ length: 30 }, (_, i) => `    - { name: pkg-${(b * 7 + i) % pkgCount}, min_version: "1.${i % 5}-1" }`).join('\n');
    add(`baselines/b${b}.yaml`, `name: b${b}\nplatform: { os: debian, versions: ">= 12" }\npackages:\n  required:\n${req}\n  forbidden: [{ name: telnetd }, { name: rsh-server }]\nfiles:\n  - { path: /etc/shadow, mode: "0640", owner: root, group: shadow }\nsettings:\n  - file: /etc/ssh/sshd_config\n    values: { PermitRootLogin: "no", X11Forwarding: "no" }\nservices: { ssh: enabled, rsync: disabled }\nsysctl: { net.ipv4.tcp_syncookies: 1 }\n`);
  }
  for (let r = 0; r < 200; r++) {
    add(`remediations/R${r}.yaml`, `id: R-${r}\ntitle: t\nseverity: high\nkind: patch\nselector:\n  platforms: [{ os: debian }]\n  package: { name: src-${r}, source: true, affected: "< 1.1-1" }\naction:\n  packages: [{ name: pkg-${r}, version: "2.${r}-1" }]\nproposed_by: dave\n`);
    if (r % 2 === 0) add(`remediations/approvals/A${r}.yaml`, `id: A-${r}\nremediation: R-${r}\nrings: [pilot, broad]\napprover: alice\ndate: 2026-01-01\nticket: C-${r}\n`);
  }
  const hosts = ['hosts:'];
  for (let h = 0; h < hostCount; h++) hosts.push(`  - { name: h${h}, address: 10.${h >> 16 & 255}.${h >> 8 & 255}.${h & 255}, system: s${h % 2 + 1}, baseline: b${h % baselines}, ring: ${h % 50 === 0 ? 'pilot' : 'broad'} }`);
  add('inventory/hosts.yaml', `${hosts.join('\n')}\n`);
  const { model, problems } = loadSnapshot({ commit: null, files }, { limits: { maxBytes: 64 * 1024 * 1024, maxAliasCount: 100, maxDepth: 64 } });
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`${errors[0].file}:${errors[0].line} ${errors[0].message}`);
  // Hosts share most package records (the same Debian release installs the same builds); each host owns a few.
  const shared = Array.from({ length: pkgCount }, (_, i) => ({ name: `pkg-${i}`, version: `1.${i % 5}-1`, arch: 'amd64', status: 'installed', source: `src-${i}`, sourceVersion: `1.${i % 5}-1` }));
  const facts = [];
  for (let h = 0; h < hostCount; h++) {
    const packages = {};
    for (const p of shared) packages[p.name] = p;
    for (let k = 0; k < 5; k++) {
      const i = (h * 13 + k * 101) % pkgCount;
      packages[`pkg-${i}`] = { ...shared[i], version: '0.9-1', sourceVersion: '0.9-1' }; // some drift per host
    }
    if (h % 17 === 0) packages.telnetd = { name: 'telnetd', version: '0.17-44', arch: 'amd64', status: 'installed', source: 'inetutils', sourceVersion: '2:2.4-2' };
    facts.push({
      host: `h${h}`,
      gatheredAt: '2026-11-25T00:00:00Z',
      os: { id: 'debian', versionId: '12' },
      kernel: '6.1',
      arch: 'amd64',
      platform: 'apt',
      packages,
      held: [],
      files: { '/etc/shadow': { exists: true, type: 'file', mode: h % 9 === 0 ? '0644' : '0640', owner: 'root', group: 'shadow', sha256: 'x' } },
      settings: { '/etc/ssh/sshd_config': { PermitRootLogin: h % 5 === 0 ? 'yes' : 'no', X11Forwarding: 'no' } },
      services: { 'ssh.service': { state: 'enabled', active: 'unknown' }, 'rsync.service': { state: h % 11 === 0 ? 'enabled' : 'disabled', active: 'unknown' } },
      sysctl: { 'net.ipv4.tcp_syncookies': '1' },
      listening: [],
      rebootRequired: false,
      rebootPackages: [],
      uptimeSeconds: 1,
      unknown: [],
    });
  }
  return { model, facts };
}

async function purePart() {
  const HOSTS_PURE = Number(process.env.BENCH_HOSTS ?? 10_000);
  const PKGS = 500;
  const t0 = performance.now();
  const { model, facts } = pureInputs(HOSTS_PURE, PKGS);
  console.log(`generated and loaded ${HOSTS_PURE} hosts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const inputs = facts.map((f) => ({ host: f.host, facts: f, digest: 'd' }));
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  if (globalThis.gc) {
    const h0 = process.memoryUsage().heapUsed;
    const kept = assemblePlan(model, inputs, {});
    globalThis.gc();
    const h1 = process.memoryUsage().heapUsed;
    console.log(`a retained plan of ${kept.summary.actions} actions and ${kept.summary.awaitingApproval} awaiting entries takes ${((h1 - h0) / 2 ** 20).toFixed(0)} MiB of heap (${((h1 - h0) / (kept.summary.actions + kept.summary.awaitingApproval)).toFixed(0)} B per entry)`);
  }
  const results = [];
  for (let i = 0; i < PURE_RUNS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const plan = assemblePlan(model, inputs, {});
    const cpu = process.cpuUsage(c0);
    results.push({ secs: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6, actions: plan.summary.actions });
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  // On a shared machine wall time includes waiting for a core; CPU time shows what the work itself costs.
  for (const [i, r] of results.entries()) console.log(`pure run ${i + 1}: ${fmt(r.secs)} wall, ${fmt(r.cpu)} CPU (${r.actions} actions)`);
  const worst = Math.max(...results.map((r) => r.secs));
  console.log(`diff + plan for ${HOSTS_PURE} hosts × ${PKGS} packages: worst ${fmt(worst)}, peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB (inputs alone ${(before / 2 ** 30).toFixed(2)} GiB); targets ≤ 5 s and ≤ 2 GiB → ${worst <= 5 && peak <= 2 * 2 ** 30 ? 'MET' : 'MISSED'}`);
}

if (!process.argv.includes('--no-lab')) await labPart();
if (!process.argv.includes('--no-pure')) await purePart();
