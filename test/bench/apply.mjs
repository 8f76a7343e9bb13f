// npm run bench:apply — the wall time of a patch wave on 10 lab hosts through `plumb apply` (facts, plan, backups,
// one apt transaction per host, verification, ledger) against the floor measured in the same run: the very same
// apt command run over plain OpenSSH on the same hosts at the same time. Target: ≤ 1.1×. Needs root (the lab).
import { spawn, spawnSync } from 'node:child_process';
import { labDown, labUp, sshArgs } from '../../dist/engine/lab/index.js';
import { apt } from '../../dist/engine/platform/apt/index.js';
import { Org } from './org-for-bench.mjs';

const HOSTS = 10;
const RUNS = 3;
if (process.getuid?.() !== 0) {
  console.log('bench:apply needs root (the lab makes namespaces and mounts): skipped');
  process.exit(0);
}

const ssh = (lab, host, command) =>
  new Promise((resolve, reject) => {
    const p = spawn('ssh', [...sshArgs(lab, host), command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${host.name}: exit ${code}: ${err.slice(-300)}`))));
  });

const lab = await labUp({ name: 'benchapply', hosts: HOSTS, rings: `pilot=${HOSTS}`, system: 'intranet', replace: true });
const org = new Org(`${lab.stateDir}/inventory.yaml`, 'rings:\n  - { name: pilot, soak: 0, failure_threshold: "100%" }\n');
try {
  const updates = lab.mirror.securityUpdates.filter((u) => u.source === 'openssl');
  if (!updates.length) throw new Error('the mirror carries no openssl security update to measure with');
  const src = updates[0];
  org.write(
    'remediations/PLB-BENCH.yaml',
    `id: PLB-BENCH\ntitle: openssl wave\nseverity: high\nkind: patch\nselector:\n  package: { name: openssl, source: true, affected: "< ${src.sourceVersion}" }\naction:\n  packages:\n${updates.map((u) => `    - { name: ${u.package}, version: "${u.fixedVersion}" }`).join('\n')}\nproposed_by: dave\n`,
  );
  org.write('remediations/approvals/APR-BENCH.yaml', 'id: APR-BENCH\nremediation: PLB-BENCH\nrings: [pilot]\napprover: bob\ndate: 2026-01-01\nticket: CHG-BENCH\n');
  org.commit('openssl wave');
  // Bring the hosts to their baseline first, so that the measured wave is the patch alone.
  org.write('remediations/approvals/APR-BENCH.yaml', 'id: APR-BENCH\nremediation: PLB-BENCH\nrings: [pilot]\napprover: bob\ndate: 2026-01-01\nticket: CHG-BENCH\nexpires: 2026-01-02\n');
  org.commit('hold the wave');
  spawnSync(process.execPath, ['dist/engine/cli/main.js', '-C', org.dir, 'apply', '--ref', 'main', '--yes'], { stdio: 'ignore', env: { ...process.env, SSH_AUTH_SOCK: '' } });
  org.write('remediations/approvals/APR-BENCH.yaml', 'id: APR-BENCH\nremediation: PLB-BENCH\nrings: [pilot]\napprover: bob\ndate: 2026-01-01\nticket: CHG-BENCH\n');
  org.commit('release the wave');

  const same = apt.transaction({ install: updates.map((u) => ({ name: u.package, version: u.fixedVersion })), remove: [] });
  const back = apt.transaction({ install: updates.map((u) => ({ name: u.package, version: u.imageVersion })), remove: [] });
  const everywhere = (cmd) => Promise.all(lab.hosts.map((h) => ssh(lab, h, cmd)));

  await everywhere('apt-get -q update >/dev/null'); // warm the hosts' apt lists and the mirror's page cache
  const rows = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    await everywhere(same);
    const floor = (performance.now() - t0) / 1000;
    await everywhere(back);

    t0 = performance.now();
    const r = spawnSync(process.execPath, ['dist/engine/cli/main.js', '-C', org.dir, 'apply', '--ref', 'main', '--yes', '--concurrency', String(HOSTS)], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '' } });
    const plumb = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`plumb apply failed (${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr}`);
    if (!/action\(s\) verified/.test(r.stdout)) throw new Error(`plumb apply did nothing:\n${r.stdout.slice(-1500)}`);
    await everywhere(back);
    rows.push({ floor, plumb });
    console.log(`run ${i + 1}: plain ssh + apt ${floor.toFixed(2)} s   plumb apply ${plumb.toFixed(2)} s   ratio ${(plumb / floor).toFixed(2)}×`);
  }
  const ratios = rows.map((r) => r.plumb / r.floor).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)];
  console.log(`patch wave on ${HOSTS} lab hosts (${updates.map((u) => u.package).join(', ')}): median ${median.toFixed(2)}× the same apt command over plain SSH; target ≤ 1.1× → ${median <= 1.1 ? 'MET' : 'MISSED'}`);
  console.log('(plumb apply includes its own start-up, fact gathering before and after, backups and the ledger commit)');
} finally {
  org.cleanup();
  await labDown({ name: 'benchapply' });
}
