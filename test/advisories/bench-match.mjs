// npm run bench:match — 20,000 advisories against 10,000 generated hosts × 500 packages.
// Target: index build + matching ≤ 10 s and ≤ 2 GiB peak RSS on 2 cores. Deterministic (seeded).
//
// The data imitates a real fleet: Debian 12 and 11, Ubuntu 22.04 and AlmaLinux 9.x hosts; each release has a
// package universe whose sources build 1–3 binaries; each package has a ladder of real-looking versions (epochs,
// ~deb12uN, +bN binNMUs, .el9_N releases); hosts mostly run the newest version, some lag behind. Advisories favour
// popular packages (as openssl and the kernel get many), fix at a rung of the ladder, and include introduced
// ranges, unfixed entries and VEX not-affected statements.
//
// Each run is its own process (generate, index, match once), as a real `plumb vulns` is; three runs by default
// (RUNS=n), because other work on the machine makes single timings noisy. The verdict uses the worst run.
//
// The floor, measured in the same run, is the least any index-based matcher must do: visit every installed
// package of every host and make the same Map lookups, without deciding anything. The ratio says what deciding
// (dpkg/rpm order, ranges, VEX) costs on top.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIndex, matchHost } from '../../dist/engine/advisories/match.js';
import { seeded } from '../bench/random.mjs';

const ADVISORIES = Number(process.env.ADVISORIES ?? 20_000);
const HOSTS = Number(process.env.HOSTS ?? 10_000);
const PACKAGES_PER_HOST = Number(process.env.PACKAGES ?? 500);
const TARGET_SECONDS = 10;
const TARGET_RSS_MIB = 2048;

const { rnd, int, skewed } = seeded(20240501);

const RELEASES = [
  { os: 'debian', versionIds: ['12'], release: '12', scheme: 'deb', share: 0.55, universe: 5000, raw: 'Debian:12' },
  { os: 'debian', versionIds: ['11'], release: '11', scheme: 'deb', share: 0.15, universe: 4500, raw: 'Debian:11' },
  { os: 'ubuntu', versionIds: ['22.04'], release: '22.04', scheme: 'deb', share: 0.15, universe: 5000, raw: 'Ubuntu:22.04:LTS' },
  { os: 'almalinux', versionIds: ['9.2', '9.3', '9.4'], release: '9', scheme: 'rpm', share: 0.15, universe: 4000, raw: 'AlmaLinux:9' },
];

function ladder(rel, i) {
  const up = `${1 + (i % 7)}.${i % 13}.${i % 5}`;
  const epoch = i % 17 === 0 ? '1:' : '';
  if (rel.scheme === 'rpm') return [0, 1, 2, 3].map((k) => `${epoch}${up}-${1 + k}.el9${k ? `_${k + 1}` : ''}`);
  if (rel.os === 'ubuntu') return [0, 1, 2, 3].map((k) => `${epoch}${up}-${1 + (i % 3)}ubuntu0.${k}${k === 3 ? '~22.04.1' : ''}`);
  const tag = rel.release === '12' ? 'deb12u' : 'deb11u';
  return [`${epoch}${up}~rc1-1`, `${epoch}${up}-1`, `${epoch}${up}-1+${tag}1`, `${epoch}${up}-1+${tag}2`];
}

// Per release: sources (deb) or binaries (rpm), each with its version ladder and binaries.
const universes = RELEASES.map((rel) => {
  const pkgs = [];
  for (let i = 0; i < rel.universe; i++) {
    const name = `${rel.os}pkg${i}`;
    const nbin = rel.scheme === 'deb' ? 1 + (i % 3) : 1;
    const binaries = Array.from({ length: nbin }, (_, b) => (b === 0 ? name : `lib${name}-${b}`));
    pkgs.push({ name, binaries, versions: ladder(rel, i) });
  }
  return pkgs;
});

function generateAdvisories() {
  const out = [];
  for (let a = 0; a < ADVISORIES; a++) {
    const ri = rnd() < 0.6 ? 0 : 1 + int(3);
    const rel = RELEASES[ri];
    const affected = [];
    const n = 1 + int(3);
    for (let k = 0; k < n; k++) {
      const p = universes[ri][skewed(rel.universe)];
      const roll = rnd();
      const base = { ecosystem: { os: rel.os, release: rel.release, raw: rel.raw }, package: p.name, packageKind: rel.scheme === 'deb' ? 'source' : 'binary', scheme: rel.scheme };
      if (roll < 0.02) affected.push({ ...base, status: 'not-affected', ids: [`CVE-2024-${10000 + ((a * 7) % ADVISORIES)}`] });
      else if (roll < 0.07) affected.push({ ...base, status: 'affected' });
      else if (roll < 0.12) {
        const fixed = p.versions[3];
        affected.push({ ...base, status: 'affected', fixed, ranges: [{ introduced: p.versions[1], fixed }] });
      } else {
        const fixed = p.versions[1 + int(3)];
        affected.push({ ...base, status: 'affected', fixed, ranges: [{ fixed }] });
      }
    }
    out.push({
      id: `BENCH-${a}`,
      source: 'osv',
      aliases: [`CVE-2024-${10000 + a}`],
      modified: '2024-05-01T00:00:00Z',
      modifiedFrom: 'record',
      severity: ['critical', 'high', 'medium', 'low'][int(4)],
      references: [],
      affected,
      origin: { location: 'bench', pointer: '' },
      knew: '2024-05-01T00:00:00.000Z',
    });
  }
  return out;
}

function generateHosts() {
  const hosts = [];
  for (let h = 0; h < HOSTS; h++) {
    let x = rnd();
    let ri = 0;
    while (ri < RELEASES.length - 1 && x >= RELEASES[ri].share) x -= RELEASES[ri++].share;
    const rel = RELEASES[ri];
    const uni = universes[ri];
    const packages = {};
    let count = 0;
    // The first 250 packages of the universe are the base system; the rest is what this host is for.
    for (let i = 0; i < 250 && count < PACKAGES_PER_HOST; i++) count += install(packages, uni[i], rel, count);
    while (count < PACKAGES_PER_HOST) count += install(packages, uni[250 + int(rel.universe - 250)], rel, PACKAGES_PER_HOST - count);
    hosts.push({ os: { id: rel.os, versionId: rel.versionIds[h % rel.versionIds.length] }, packages });
  }
  return hosts;
}

function install(packages, p, rel, room) {
  if (packages[p.binaries[0]]) return 0;
  const r = rnd();
  const version = p.versions[r < 0.7 ? 3 : r < 0.9 ? 2 : r < 0.97 ? 1 : 0];
  let added = 0;
  for (const bin of p.binaries) {
    if (added >= room) break;
    // binNMUs: a rebuilt binary carries +bN, its source version does not.
    const binVersion = rel.scheme === 'deb' && bin !== p.name && p.name.length % 2 ? `${version}+b1` : version;
    packages[bin] = { name: bin, version: binVersion, arch: rel.scheme === 'rpm' ? 'x86_64' : 'amd64', status: 'installed', source: p.name, sourceVersion: version };
    added++;
  }
  return added;
}

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const secs = (ms) => (ms / 1000).toFixed(2);

function child() {
  const t = performance.now();
  const advisories = generateAdvisories();
  const hosts = generateHosts();
  const genMs = performance.now() - t;
  const installed = hosts.reduce((n, h) => n + Object.keys(h.packages).length, 0);
  let t0 = performance.now();
  const index = buildIndex(advisories);
  const indexMs = performance.now() - t0;
  t0 = performance.now();
  const results = new Array(hosts.length);
  let matches = 0;
  let suppressed = 0;
  for (let i = 0; i < hosts.length; i++) {
    const v = matchHost(index, hosts[i]);
    results[i] = v;
    matches += v.length;
    for (const x of v) if (x.status === 'not-affected') suppressed++;
  }
  const matchMs = performance.now() - t0;
  // Floor: the same walk and the same Map lookups, no decisions, no results.
  t0 = performance.now();
  let touched = 0;
  for (const h of hosts) {
    const rel = index.releases.get(`${h.os.id}\u0000${h.os.versionId.split('.')[0]}`) ?? index.releases.get(`${h.os.id}\u0000${h.os.versionId}`);
    if (!rel) continue;
    for (const name of Object.keys(h.packages)) {
      const p = h.packages[name];
      if (rel.source.get(p.source || p.name)) touched++;
      if (rel.binary.get(p.name)) touched++;
    }
  }
  const floorMs = performance.now() - t0;
  if (results.length !== HOSTS) throw new Error('lost results');
  const affectedEntries = advisories.reduce((n, a) => n + a.affected.length, 0);
  process.stdout.write(JSON.stringify({ genMs, indexMs, matchMs, floorMs, matches, suppressed, touched, installed, affectedEntries, entries: index.entries, rss: process.resourceUsage().maxRSS * 1024 }));
}

function parent() {
  const RUNS = Number(process.env.RUNS ?? 3);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_CHILD: '1' }, encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`run ${i + 1} failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout));
  }
  const first = runs[0];
  console.log(`${ADVISORIES} advisories (${first.affectedEntries} affected entries) against ${HOSTS} hosts × ${PACKAGES_PER_HOST} packages (${first.installed} installed packages); ${RUNS} runs, one process each`);
  for (const [i, r] of runs.entries()) {
    console.log(`run ${i + 1}: generate ${secs(r.genMs)} s (not timed) | index ${secs(r.indexMs)} s + match ${secs(r.matchMs)} s = ${secs(r.indexMs + r.matchMs)} s | floor ${secs(r.floorMs)} s, match/floor ${(r.matchMs / r.floorMs).toFixed(1)}× | peak RSS ${mib(r.rss)} MiB`);
  }
  const worst = runs.reduce((a, b) => (b.indexMs + b.matchMs > a.indexMs + a.matchMs ? b : a));
  const best = runs.reduce((a, b) => (b.indexMs + b.matchMs < a.indexMs + a.matchMs ? b : a));
  const total = worst.indexMs + worst.matchMs;
  const rss = Math.max(...runs.map((r) => r.rss));
  console.log(`matches         ${first.matches} (${(first.matches / HOSTS).toFixed(1)} per host), ${first.suppressed} suppressed by VEX`);
  console.log(`per host        ${((worst.matchMs / HOSTS) * 1000).toFixed(0)} µs; per installed package ${((worst.matchMs * 1e6) / first.installed).toFixed(0)} ns (worst run)`);
  console.log(`index + match   ${secs(total)} s worst, ${secs(best.indexMs + best.matchMs)} s best, of ${TARGET_SECONDS} s target → ${total / 1000 <= TARGET_SECONDS ? 'MET' : 'MISSED'} (${((total / 1000 / TARGET_SECONDS) * 100).toFixed(0)}% of budget)`);
  console.log(`peak RSS        ${mib(rss)} MiB of ${TARGET_RSS_MIB} MiB target → ${rss / 1024 / 1024 <= TARGET_RSS_MIB ? 'MET' : 'MISSED'} (generated facts of every host and all results held in memory)`);
}

if (process.env.BENCH_CHILD) child();
else parent();
