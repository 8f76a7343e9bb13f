// npm run bench:vulns — the assessment behind `plumb vulns` over a generated fleet: 10,000 Debian 12 hosts × 500
// packages, 5,000 advisories, 400 remediations (half naming advisories, half selecting packages by range), approvals
// for some rings, exceptions, and a mirror index of every source. A fleet that lags: most hosts run the newest
// build, a few are behind, so each host has ~100 matches, ~60 open vulnerabilities. Deterministic (seeded); one
// process per run.
//
// The floor, measured in the same run, is matching alone (matchHost over every host: what `bench:match` measures).
// The assessment adds grouping, remediation and exception coverage, approvals, the mirror lookup and the priority,
// and builds one result per open vulnerability (~590,000 here); the ratio says what those cost on top. Measured on
// 2 idle cores: ~6.5× (a quarter of it garbage collection over a heap that is mostly the fleet's facts, one tenth
// the per-host package index remediation applicability builds). Targets: ≤ 8× the floor, and indexes + assessment +
// report ≤ 15 s.
// The advisory, remediation and mirror indexes are built once per run (timed apart): never per host.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Assessor } from '../../dist/engine/advisories/assess.js';
import { buildIndex, matchHost } from '../../dist/engine/advisories/match.js';
import { indexBinaries } from '../../dist/engine/advisories/mirror-index.js';
import { buildReport } from '../../dist/engine/cli/vulns/report.js';
import { loadSnapshot } from '../../dist/engine/model/load.js';
import { policyOf } from '../../dist/engine/prioritize/policy.js';
import { seeded } from '../bench/random.mjs';

const HOSTS = Number(process.env.HOSTS ?? 10_000);
const PACKAGES = Number(process.env.PACKAGES ?? 500);
const ADVISORIES = Number(process.env.ADVISORIES ?? 5_000);
const REMEDIATIONS = Number(process.env.REMEDIATIONS ?? 400);
const UNIVERSE = 5_000;
const TARGET_RATIO = 8;
const TARGET_SECONDS = 15;

const { rnd, int, skewed } = seeded(20261125);

const ladder = (i) => {
  const up = `${1 + (i % 7)}.${i % 13}.${i % 5}`;
  return [`${up}-1`, `${up}-1+deb12u1`, `${up}-1+deb12u2`, `${up}-1+deb12u3`];
};
const universe = Array.from({ length: UNIVERSE }, (_, i) => ({ name: `pkg${i}`, binaries: Array.from({ length: 1 + (i % 3) }, (_, b) => (b ? `libpkg${i}-${b}` : `pkg${i}`)), versions: ladder(i) }));

function generate() {
  const advisories = [];
  for (let a = 0; a < ADVISORIES; a++) {
    const p = universe[skewed(UNIVERSE)];
    const fixed = p.versions[1 + int(3)];
    advisories.push({
      id: `DSA-${10000 + a}-1`,
      source: 'osv',
      aliases: [`CVE-2026-${10000 + a}`],
      modified: '2026-11-01T00:00:00Z',
      modifiedFrom: 'record',
      severity: ['critical', 'high', 'medium', 'low'][int(4)],
      references: [],
      affected: [{ ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, package: p.name, packageKind: 'source', scheme: 'deb', status: 'affected', fixed, ranges: [{ fixed }] }],
      origin: { location: 'bench', pointer: '' },
      knew: '2026-11-01T00:00:00.000Z',
    });
  }
  const files = {
    'inventory/systems.yaml': `systems:\n${Array.from({ length: 20 }, (_, s) => `  - { name: sys${s}, impact: ${['low', 'moderate', 'high'][s % 3]}, owner: Owner ${s} }`).join('\n')}\n`,
    'inventory/rollout.yaml': 'rings:\n  - { name: pilot }\n  - { name: broad }\n',
    'inventory/board.yaml': 'board:\n  members:\n    - { id: bob, name: Bob, email: bob@example.org }\n',
    'baselines/b.yaml': 'name: b\nplatform: { os: debian, versions: ">= 12, < 13" }\n',
    'inventory/hosts.yaml': `hosts:\n${Array.from({ length: HOSTS }, (_, h) => `  - { name: h${h}, address: 10.${h >> 16}.${(h >> 8) & 255}.${h & 255}, system: sys${h % 20}, baseline: b, ring: ${h % 10 ? 'broad' : 'pilot'}${h % 7 ? '' : ', tags: [internet-facing]'}, criticality: ${['low', 'medium', 'high', 'critical'][h % 4]} }`).join('\n')}\n`,
  };
  for (let r = 0; r < REMEDIATIONS; r++) {
    const a = advisories[int(ADVISORIES)];
    const src = a.affected[0].package;
    const selector = r % 2 ? `  package: { name: ${src}, source: true, affected: "< ${a.affected[0].fixed}" }` : `  platforms: [{ os: debian }]`;
    files[`remediations/R-${r}.yaml`] = `id: R-${r}\ntitle: r${r}\n${r % 2 ? '' : `advisories: [${a.id}]\n`}severity: high\nkind: patch\nselector:\n${selector}\naction:\n  packages: [{ name: ${src}, version: "${a.affected[0].fixed}" }]\nproposed_by: dave\n`;
    if (r % 3 === 0) files[`remediations/approvals/A-${r}.yaml`] = `id: A-${r}\nremediation: R-${r}\nrings: [${r % 2 ? 'pilot' : 'pilot, broad'}]\napprover: bob\ndate: 2026-01-01\nticket: T-${r}\n`;
    if (r % 10 === 0) files[`remediations/exceptions/X-${r}.yaml`] = `id: X-${r}\nsystem: sys${r % 20}\nremediation: R-${r}\nkind: deferral\nreason: bench\napprover: bob\nexpires: 2099-01-01\n`;
  }
  const facts = [];
  for (let h = 0; h < HOSTS; h++) {
    const packages = {};
    let count = 0;
    for (let i = 0; count < PACKAGES; i = i < 250 ? i + 1 : 250 + int(UNIVERSE - 250)) {
      const p = universe[i];
      if (packages[p.binaries[0]]) continue;
      const r = rnd();
      const version = p.versions[r < 0.9 ? 3 : r < 0.97 ? 2 : r < 0.995 ? 1 : 0];
      for (const bin of p.binaries) {
        if (count >= PACKAGES) break;
        packages[bin] = { name: bin, version, arch: 'amd64', status: 'installed', source: p.name, sourceVersion: version };
        count++;
      }
    }
    facts.push({ host: `h${h}`, gatheredAt: '2026-11-25T00:00:00Z', os: { id: 'debian', versionId: '12' }, kernel: 'k', arch: 'amd64', platform: 'apt', packages, held: [], files: {}, settings: {}, services: {}, sysctl: {}, listening: [], rebootRequired: false, rebootPackages: [], uptimeSeconds: 1, unknown: [] });
  }
  const mirrorBinaries = universe.flatMap((p) => p.binaries.map((b) => ({ package: b, version: p.versions[3], arch: 'amd64', source: p.name, sourceVersion: p.versions[3], suite: 'bookworm-security' })));
  return { advisories, files, facts, mirrorBinaries };
}

function child() {
  const now = new Date('2026-11-25T12:00:00Z');
  const { advisories, files, facts, mirrorBinaries } = generate();
  const enc = new TextEncoder();
  let t = performance.now();
  const { model, problems } = loadSnapshot({ commit: null, files: Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) })) }, { now });
  const loadMs = performance.now() - t;
  if (problems.some((p) => p.severity === 'error')) throw new Error(`the generated desired state is invalid: ${JSON.stringify(problems.slice(0, 3))}`);
  const policy = policyOf(model);
  t = performance.now();
  const index = buildIndex(advisories);
  const mirror = indexBinaries(policyOf({ policy: { mirrors: [{ url: 'http://m/', suites: ['bookworm-security'], platform: { os: 'debian' }, keyring: 'k.gpg' }] } }).mirrors[0], [], mirrorBinaries);
  const assessor = new Assessor({ model, index, mirrors: [mirror], policy, now });
  const indexMs = performance.now() - t;

  // Floor: matching alone.
  t = performance.now();
  let matches = 0;
  for (const f of facts) matches += matchHost(index, f).length;
  const floorMs = performance.now() - t;

  t = performance.now();
  const hosts = model.hosts;
  const reports = facts.map((f) => assessor.host(hosts.get(f.host), f));
  const assessMs = performance.now() - t;
  t = performance.now();
  const report = buildReport({ generatedAt: now, commit: null, advisories: index.advisories, mirrors: [mirror], hosts: reports, policy, worklist: true });
  const reportMs = performance.now() - t;
  process.stdout.write(JSON.stringify({ loadMs, indexMs, floorMs, assessMs, reportMs, matches, summary: report.summary, worklist: report.worklist.length, rss: process.resourceUsage().maxRSS * 1024 }));
}

function parent() {
  const RUNS = Number(process.env.RUNS ?? 3);
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['--max-old-space-size=4096', fileURLToPath(import.meta.url)], { env: { ...process.env, BENCH_CHILD: '1' }, encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`run ${i + 1} failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout));
  }
  const s = (ms) => (ms / 1000).toFixed(2);
  const first = runs[0];
  console.log(`${HOSTS} hosts × ${PACKAGES} packages, ${ADVISORIES} advisories, ${REMEDIATIONS} remediations; ${RUNS} runs, one process each`);
  for (const [i, r] of runs.entries()) {
    console.log(`run ${i + 1}: load desired state ${s(r.loadMs)} s | indexes ${s(r.indexMs)} s (once) | floor (match) ${s(r.floorMs)} s | assess ${s(r.assessMs)} s, ${(r.assessMs / r.floorMs).toFixed(2)}× floor | report + work list ${s(r.reportMs)} s | peak RSS ${(r.rss / 1048576).toFixed(0)} MiB`);
  }
  const worst = runs.reduce((a, b) => (b.assessMs / b.floorMs > a.assessMs / a.floorMs ? b : a));
  const ratio = worst.assessMs / worst.floorMs;
  const total = Math.max(...runs.map((r) => r.indexMs + r.assessMs + r.reportMs)) / 1000;
  console.log(`findings        ${first.matches} matches → ${first.summary.open} open vulnerabilities on ${first.summary.vulnerableHosts} hosts (${first.summary.approved} approved, ${first.summary.awaitingApproval} awaiting, ${first.summary.withoutRemediation} without remediation, ${first.summary.excepted} excepted); work list ${first.worklist}`);
  console.log(`per host        ${((worst.assessMs / HOSTS) * 1000).toFixed(0)} µs assess vs ${((worst.floorMs / HOSTS) * 1000).toFixed(0)} µs match (worst run)`);
  console.log(`assess / floor  ${ratio.toFixed(2)}× worst, target ≤ ${TARGET_RATIO}× → ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}`);
  console.log(`indexes + assess + report  ${total.toFixed(2)} s worst of ${TARGET_SECONDS} s target → ${total <= TARGET_SECONDS ? 'MET' : 'MISSED'}`);
}

if (process.env.BENCH_CHILD) child();
else parent();
