// npm run bench:metrics [-- --hosts N]: the pure metrics and the HTML report on a large synthetic organization,
// against a floor measured in the same run (one JSON.stringify of the same input: reading every record once).
// Prints times, ratios to the floor, and whether the targets hold. Run after `npm run build`.
import { performance } from 'node:perf_hooks';
import { computeMetrics } from '../../dist/engine/metrics/compute.js';
import { renderReport } from '../../dist/engine/report/index.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOSTS = arg('hosts', 10_000);
const SYSTEMS = arg('systems', 50);
const REMEDIATIONS = arg('remediations', 400);
const ADVISORIES = arg('advisories', 2_000);
const RUNS = arg('runs', 60);
const TARGET = { metrics: 10_000, oneSystem: 2_000, report: 60_000 }; // ms

const src = (file) => ({ file, line: 1, col: 1, pointer: '', commit: null });
const sevs = ['critical', 'high', 'medium', 'low'];
const day = 86_400_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (ms) => new Date(ms).toISOString();
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(rnd() * list.length)];

function organization() {
  const systems = new Map(Array.from({ length: SYSTEMS }, (_, i) => [`sys-${i}`, { name: `sys-${i}`, impact: pick(['low', 'moderate', 'high']), owner: 'o', source: src('inventory/s.yaml') }]));
  const rings = [{ name: 'pilot', index: 0, source: src('inventory/r.yaml') }, { name: 'broad', index: 1, source: src('inventory/r.yaml') }];
  const hosts = new Map(Array.from({ length: HOSTS }, (_, i) => [`h-${i}`, { name: `h-${i}`, address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, system: `sys-${i % SYSTEMS}`, baseline: 'b', ring: i % 10 ? 'broad' : 'pilot', tags: i % 7 ? [] : ['internet-facing'], source: src('inventory/h.yaml') }]));
  const advisories = Array.from({ length: ADVISORIES }, (_, i) => ({
    id: `DSA-${i}-1`, source: 'osv', aliases: [0, 1, 2].map((k) => `CVE-2026-${String(i * 3 + k).padStart(5, '0')}`), published: at(t0 + i * 3_600_000), modified: at(t0), modifiedFrom: 'record', knew: at(t0 + i * 3_600_000 + 7_200_000),
    severity: pick(sevs), references: [], affected: [], origin: { location: 'x', pointer: '' },
  }));
  const remediations = new Map(Array.from({ length: REMEDIATIONS }, (_, i) => {
    const kind = i % 8 === 0 ? 'configuration' : i % 8 === 1 ? 'removal' : 'patch';
    return [`PLB-${i}`, { id: `PLB-${i}`, title: `remediation ${i}`, severity: pick(sevs), kind, emergency: kind === 'configuration', selector: {}, action: {}, proposed_by: 'd', advisories: [`DSA-${i % ADVISORIES}-1`, ...advisories[i % ADVISORIES].aliases], source: src(`remediations/PLB-${i}.yaml`) }];
  }));
  const approvals = new Map([...remediations.keys()].flatMap((r) => [[`A-${r}-p`, { id: `A-${r}-p`, remediation: r, rings: ['pilot'], approver: 'a', date: '2026-01-02', ticket: 't', source: src(`remediations/approvals/A-${r}-p.yaml`) }], [`A-${r}-b`, { id: `A-${r}-b`, remediation: r, rings: ['pilot', 'broad'], approver: 'a', date: '2026-01-03', ticket: 't', source: src(`remediations/approvals/A-${r}-b.yaml`) }]]));
  const exceptions = new Map(Array.from({ length: 100 }, (_, i) => [`X-${i}`, { id: `X-${i}`, host: `h-${i * 97}`, remediation: `PLB-${i}`, kind: 'deferral', reason: 'r', approver: 'a', expires: '2099-01-01', source: src('x.yaml') }]));
  const model = { commit: null, systems, hosts, rings, windows: new Map(), board: new Map(), baselines: new Map(), resolvedBaselines: new Map(), remediations, approvals, exceptions };
  const files = {};
  for (const r of remediations.values()) files[r.source.file] = { written: at(t0 + Number(r.id.slice(4)) * 3_600_000 + 10_800_000), writtenCommit: 'a'.repeat(40) };
  for (const a of approvals.values()) files[a.source.file] = { written: at(t0 + day), writtenCommit: 'b'.repeat(40), merged: at(t0 + day), mergedCommit: 'b'.repeat(40) };

  const remIds = [...remediations.keys()];
  const concerned = new Map(); // host → remediations
  const observations = {};
  for (const h of hosts.values()) {
    const mine = Array.from({ length: 8 }, () => pick(remIds));
    concerned.set(h.name, mine);
    const open = mine.slice(0, 2).map((id) => {
      const r = remediations.get(id);
      const origin = { kind: 'remediation', id, severity: r.severity, emergency: Boolean(r.emergency) };
      return { key: `package-vulnerable:pkg-${id}`, kind: 'package-vulnerable', host: h.name, subject: `pkg-${id}`, expected: '2', actual: '1', message: 'm', origin, source: r.source, requirement: { type: 'package-fixed', name: `pkg-${id}`, version: '2', origin, source: r.source } };
    });
    const vulnerabilities = Array.from({ length: 10 }, () => {
      const a = pick(advisories);
      return { advisoryId: a.id, source: 'osv', aliases: a.aliases, package: `p-${a.id}`, installedVersion: '1', sourcePackage: `p-${a.id}`, sourceVersion: '1', matchedOn: 'source', ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' }, fixed: '2', status: 'affected', severity: a.severity, knew: a.knew, published: a.published };
    });
    const facts = { host: h.name, gatheredAt: at(t0 + 30 * day), os: { id: 'debian', versionId: '12' }, kernel: 'k', arch: 'amd64', platform: 'apt', packages: {}, held: [], files: {}, settings: {}, services: {}, sysctl: {}, listening: [22, 80, 443, 5432, 25].map((port, k) => ({ proto: 'tcp', address: k === 4 ? '127.0.0.1' : '0.0.0.0', port })), rebootRequired: false, rebootPackages: [], uptimeSeconds: 1, unknown: [] };
    observations[h.name] = { facts, diff: { host: h.name, findings: open, suppressed: [], unknown: [] }, vulnerabilities };
  }
  const runs = Array.from({ length: RUNS }, (_, k) => {
    const started = t0 + 2 * day + k * 6 * 3_600_000;
    const id = `${at(started).replace(/[-:]/g, '').slice(0, 15)}Z-${String(k).padStart(6, '0')}`;
    const list = [...hosts.values()].filter((_, i) => i % RUNS === k || (i + k) % (RUNS * 3) === 0);
    return {
      id, kind: 'reconcile', status: 'completed', startedAt: at(started), endedAt: at(started + 3_600_000), commit: 'c'.repeat(40), approvals: [], operator: { user: 'u', hostname: 'h' }, rings: [],
      hosts: list.map((h) => ({
        host: h.name, system: h.system, ring: h.ring, status: 'changed', packagesBefore: {},
        actions: concerned.get(h.name).slice(2, 6).map((rid, n) => {
          const r = remediations.get(rid);
          return { id: `${h.name}#${n}`, type: 'package-install', params: { name: `pkg-${rid}` }, finding: `package-vulnerable:pkg-${rid}`, findingKind: 'package-vulnerable', origin: { kind: 'remediation', id: rid, severity: r.severity, emergency: Boolean(r.emergency) }, source: `${r.source.file}:1@cccccccccccc`, before: '1', after: '2', result: n === 3 ? 'failed' : 'verified', verifiedAt: at(started + 1_800_000) };
        }),
      })),
    };
  });
  return {
    model, now: at(t0 + 30 * day), period: { from: '2026-01-01', to: at(t0 + 30 * day) }, hosts: observations, advisories, runs,
    git: { files, commits: { ['c'.repeat(40)]: { sha: 'c'.repeat(40), date: at(t0), author: 'a', subject: 's' } } },
    program: { targets: { 'vulnerability-ratio': { max: 5 } }, perimeter: [{ tags: ['internet-facing'], allow: ['443/tcp'] }], exposureTags: ['internet-facing'], serviceWeights: {}, costs: { currency: 'USD', group: [], administratorSupport: [], software: [{ name: 's', annualMaintenance: 3000, price: 30000, expectedLife: 4 }], failures: [] } },
  };
}

function time(fn) {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

const input = organization();
const actions = input.runs.reduce((a, r) => a + r.hosts.reduce((b, h) => b + h.actions.length, 0), 0);
console.log(`synthetic organization: ${HOSTS} hosts in ${SYSTEMS} systems, ${REMEDIATIONS} remediations, ${ADVISORIES} advisories, ${RUNS} runs with ${actions} actions`);
const floor = time(() => JSON.stringify({ hosts: input.hosts, runs: input.runs, advisories: input.advisories }).length);
const metrics = time(() => computeMetrics(input));
const one = time(() => computeMetrics(input, { system: 'sys-0' }));
const report = time(() => renderReport(input));
const bytes = [...report.value.files.values()].reduce((a, f) => a + f.length, 0);
const org = metrics.value.organization;
console.log(`floor (JSON.stringify of the input, ${(floor.value / 1e6).toFixed(0)} MB): ${floor.ms.toFixed(0)} ms`);
const row = (label, r, target) => console.log(`${label.padEnd(34)} ${r.ms.toFixed(0).padStart(7)} ms  ${(r.ms / floor.ms).toFixed(1).padStart(6)}× floor  target ${target} ms ${r.ms <= target ? 'ok' : 'MISSED'}`);
row('computeMetrics (50 systems + org)', metrics, TARGET.metrics);
row('computeMetrics --system (one)', one, TARGET.oneSystem);
row(`renderReport (${report.value.files.size} pages, ${(bytes / 1e6).toFixed(0)} MB)`, report, TARGET.report);
console.log(`sanity: organization vulnerabilities ${org.metrics[0].total.all}, patch response items ${org.metrics.filter((m) => m.kind === 'time').map((m) => m.items.length).join('/')}, excluded ${org.excluded.length}`);
process.exitCode = metrics.ms <= TARGET.metrics && one.ms <= TARGET.oneSystem && report.ms <= TARGET.report ? 0 : 1;
