#!/usr/bin/env node
/**
 * `npm run demo` (as root): a lab of real Debian hosts, the example organization pointed at it, some drift made
 * by hand, and the main job — validate, plan, reconcile, history — run as a person would type it. The lab stays
 * up afterwards to poke at.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostExec, labUp, streamProgress } from '../lab/index.js';
import { ensureImage } from '../lab/image.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'dist/engine/cli/main.js');
const STATE = process.env.PLUMB_DEMO_DIR ?? '/var/lib/plumbline/demo';
const REPO = join(STATE, 'desired-state');
const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[22m` : s);

function say(text: string): void {
  process.stdout.write(`\n${bold(`── ${text}`)}\n`);
}

function plumb(...args: string[]): number {
  process.stdout.write(`${bold(`$ plumb ${args.join(' ')}`)}\n`);
  const r = spawnSync(process.execPath, [CLI, '-C', REPO, ...args], { stdio: 'inherit', env: { ...process.env, SSH_AUTH_SOCK: '' } });
  return r.status ?? 1;
}

function git(...args: string[]): void {
  spawnSync('git', ['-C', REPO, '-c', 'user.name=Demo Admin', '-c', 'user.email=dave@example.org', ...args], { stdio: 'ignore' });
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('npm run demo needs root: the lab builds network namespaces and overlay mounts (try: sudo npm run demo)\n');
    process.exit(1);
  }
  say('1. The standard image and the internal, signed patch mirror (built once, then cached)');
  const { mirror } = await ensureImage({ progress: streamProgress() });
  const ssl = mirror.info.securityUpdates.find((u) => u.package === 'libssl3') ?? mirror.info.securityUpdates[0];

  say('2. Four lab hosts: two per system, pilot and broad');
  const lab = await labUp({ name: 'demo', hosts: 4, system: 'payroll', rings: 'pilot=2,broad', replace: true, progress: streamProgress() });
  const [web1, wiki, db, build] = lab.hosts as [typeof lab.hosts[number], typeof lab.hosts[number], typeof lab.hosts[number], typeof lab.hosts[number]];

  say(`3. The example organization, with the lab hosts as its inventory: ${REPO}`);
  rmSync(REPO, { recursive: true, force: true });
  mkdirSync(REPO, { recursive: true });
  for (const d of ['baselines', 'remediations', 'inventory']) cpSync(join(ROOT, d), join(REPO, d), { recursive: true });
  rmSync(join(REPO, 'inventory/hosts.yaml'));
  rmSync(join(REPO, 'remediations/exceptions'), { recursive: true, force: true });
  // The demo runs whenever you run it: no maintenance windows, and no 24 h pilot soak to wait out.
  writeFileSync(join(REPO, 'inventory/systems.yaml'), readFileSync(join(ROOT, 'inventory/systems.yaml'), 'utf8').replace(/^\s+window: .*\n/gm, ''));
  writeFileSync(join(REPO, 'inventory/rollout.yaml'), 'rings:\n  - { name: pilot, soak: 0, failure_threshold: 1 }\n  - { name: broad, soak: 0, failure_threshold: "50%" }\n');
  const host = (h: typeof web1, name: string, system: string, baseline: string, ring: string, extra = '') =>
    `  - name: ${name}\n    address: ${h.address}\n    user: root\n    identity_file: ${lab.keyPath}\n    host_keys: [${h.fingerprints.map((f) => `"${f}"`).join(', ')}]\n    system: ${system}\n    baseline: ${baseline}\n    ring: ${ring}\n    location: plumb lab demo (${h.name})\n${extra}`;
  writeFileSync(
    join(REPO, 'inventory/hosts.yaml'),
    `# The demo's hosts: real Debian systems in network namespaces (plumb lab status --name demo).\nhosts:\n${host(web1, 'payroll-web-01', 'payroll', 'debian-12-web', 'pilot', '    tags: [internet-facing]\n    criticality: high\n    variables: { server_name: payroll.example.org }\n')}${host(wiki, 'wiki-01', 'intranet', 'debian-12-server', 'pilot')}${host(db, 'payroll-db-01', 'payroll', 'debian-12-server', 'broad', '    criticality: critical\n')}${host(build, 'build-01', 'intranet', 'debian-12-server', 'broad')}`,
  );
  if (ssl) {
    // The example's OpenSSL remediation, pointed at the security update the mirror really carries today.
    const file = join(REPO, 'remediations/PLB-2026-0001-openssl.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/3\.0\.17-1~deb12u3/g, ssl.fixedVersion).replace(/affected: ".*"/, `affected: "< ${ssl.sourceVersion}"`));
  }
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Example organization on the demo lab');

  say('4. Drift, made by hand: a forbidden telnet server, a readable /etc/shadow, root login allowed, rsync enabled');
  await hostExec(lab, wiki.name, 'apt-get -q update >/dev/null && apt-get -q -y install telnetd >/dev/null; chmod 0644 /etc/shadow');
  await hostExec(lab, db.name, "sed -i '1i PermitRootLogin yes' /etc/ssh/sshd_config; systemctl --root=/ enable rsync >/dev/null 2>&1");

  say('5. Is the desired state valid?');
  plumb('validate');
  say('6. What would change, and why (nothing has been changed yet)');
  plumb('plan');
  say('7. The scheduled job: reconcile ring by ring, verify, record');
  plumb('reconcile');
  say('8. Again: nothing left to do');
  plumb('plan');
  say('9. Who changed what, when, on which commit, approved by whom');
  plumb('history', '--limit', '3');
  plumb('trace', 'payroll-web-01', 'libssl3');

  say('The lab is still up');
  process.stdout.write(
    [
      `  desired state   ${REPO}   (edit, commit, then: plumb -C ${REPO} plan)`,
      `  ssh to a host   ssh -F ${lab.sshConfigPath} ${wiki.name}`,
      `  lab status      plumb lab status --name demo`,
      `  take it down    plumb lab down --name demo`,
      '',
    ].join('\n'),
  );
}

if (!existsSync(CLI)) {
  process.stderr.write(`the CLI is not built (${CLI}): run npm run build\n`);
  process.exit(1);
}
await main().catch((e: unknown) => {
  process.stderr.write(`demo failed: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
