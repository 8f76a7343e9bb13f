// npm run bench:bastion — plan through one bastion vs the same plan over direct connections.
// One lab: 21 hosts on the lab network and 20 on a second network that only the first host (the bastion)
// reaches (plumb lab up --behind-bastion). The floor is a plan over 20 hosts on the lab network, connected
// directly; the figure is the same plan over the 20 hosts behind the bastion, through the lab's ssh_config
// (ProxyJump, every hop's key pinned, one shared connection to the bastion). Same image, same baseline, same
// concurrency; runs alternate floor and figure and the median ratio counts. Target: ≤ 1.5×.
// Needs root (the lab). Options: --runs N (default 5); PLUMB_BENCH_LAB names the lab.
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { labDown, labUp } from '../../dist/engine/lab/index.js';
import { loadRepository } from '../../dist/engine/model/load.js';
import { gatherAll } from '../../dist/engine/facts/gather.js';
import { factsDigest } from '../../dist/engine/facts/digest.js';
import { assemblePlan } from '../../dist/engine/plan/assemble.js';
import { TransportPool } from '../../dist/engine/transport/pool.js';
import { Org } from './org-for-bench.mjs';

const HOSTS = 20;
const LAB = process.env.PLUMB_BENCH_LAB ?? 'benchjump';
const i = process.argv.indexOf('--runs');
const RUNS = Number(i >= 0 ? process.argv[i + 1] : 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s) => `${s.toFixed(2)} s`;

async function planRun(dir) {
  const t0 = performance.now();
  const { model, digest } = await loadRepository(dir, 'main');
  const hosts = [...model.hosts.values()];
  const pool = new TransportPool({ agent: '' });
  let connections = 0;
  try {
    const { facts, errors } = await gatherAll(hosts, model, { pool, concurrency: HOSTS });
    connections = pool.connections;
    if (errors.size) throw new Error([...errors.values()][0].message);
    const plan = assemblePlan(model, hosts.map((h) => ({ host: h.name, facts: facts.get(h.name), digest: factsDigest(facts.get(h.name)) })), { stateDigest: digest });
    return { secs: (performance.now() - t0) / 1000, actions: plan.summary.actions, hosts: hosts.length, connections };
  } finally {
    await pool.closeAll();
  }
}

if (process.getuid?.() !== 0) {
  console.log('bench:bastion skipped — needs root for the lab');
  process.exit(0);
}
const lab = await labUp({ name: LAB, hosts: HOSTS + 1, behindBastion: HOSTS, rings: 'pilot=2,broad', system: 'intranet', replace: true });
const inventory = parse(readFileSync(lab.inventoryPath, 'utf8'));
const behind = new Set(lab.hosts.filter((h) => h.behind).map((h) => h.name));
const write = (hosts, sshConfig) => stringify({ ...(sshConfig ? { ssh_config: sshConfig } : {}), hosts });
const direct = new Org(lab.inventoryPath);
const jumped = new Org(lab.inventoryPath);
try {
  // Floor: 20 hosts of the lab network (not the bastion), straight. Figure: the 20 behind the bastion.
  direct.write('inventory/lab.yaml', write(inventory.hosts.filter((h) => !behind.has(h.name) && h.name !== lab.hosts[0].name)));
  jumped.write('inventory/lab.yaml', write(inventory.hosts.filter((h) => behind.has(h.name)), inventory.ssh_config));
  // The bastion is not planned; it is a jump host, pinned.
  jumped.write('inventory/jump.yaml', stringify({ jump_hosts: [{ name: lab.hosts[0].name, host_keys: lab.hosts[0].fingerprints }] }));
  direct.commit('20 direct hosts');
  jumped.commit('20 hosts behind a bastion');
  await planRun(direct.dir); // warm-up
  await planRun(jumped.dir);
  const rows = [];
  for (let r = 0; r < RUNS; r++) {
    const floor = await planRun(direct.dir);
    const figure = await planRun(jumped.dir);
    rows.push({ floor, figure });
    console.log(`run ${r + 1}: direct ${fmt(floor.secs)} (${floor.hosts} hosts, ${floor.actions} actions)  through the bastion ${fmt(figure.secs)} (${figure.hosts} hosts, ${figure.actions} actions)  ratio ${(figure.secs / floor.secs).toFixed(2)}×`);
  }
  const ratio = median(rows.map((r) => r.figure.secs / r.floor.secs));
  console.log(`medians: direct ${fmt(median(rows.map((r) => r.floor.secs)))}, through one bastion ${fmt(median(rows.map((r) => r.figure.secs)))}`);
  console.log(`plan over ${HOSTS} hosts through one bastion: median ratio ${ratio.toFixed(2)}× the same plan over direct connections; target ≤ 1.5× → ${ratio <= 1.5 ? 'MET' : 'MISSED'}`);
} finally {
  direct.cleanup();
  jumped.cleanup();
  await labDown({ name: LAB });
}
