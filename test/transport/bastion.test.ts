import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labUp, type LabInfo } from '../../engine/lab/index.js';
import { loadRepository } from '../../engine/model/load.js';
import { openTransport, TransportPool } from '../../engine/transport/index.js';
import { describeLabMachine } from '../lab/skip.js';
import { Org } from '../support/org.js';

/**
 * Hosts that only a bastion reaches, as production has them: a lab of one bastion and two hosts on a second
 * network (plumb lab up --behind-bastion) that the control machine has no route to. plumb reaches them through
 * the lab's ssh_config (ProxyJump), pinning the bastion's host key as well as theirs, and plan, reconcile and
 * facts work through it with agent forwarding off.
 */
const BASELINE = `name: behind-bastion
description: configuration only (the hosts behind the bastion have no mirror)
platform: { os: debian, versions: ">= 12, < 13" }
files:
  - path: /etc/issue.net
    content: "Reached through the bastion.\\n"
    mode: "0644"
    owner: root
    group: root
settings:
  - file: /etc/ssh/sshd_config
    syntax: space
    values:
      X11Forwarding: "no"
`;

describeLabMachine('ProxyJump through a bastion to a network the control machine cannot reach', () => {
  let lab: LabInfo;
  let org: Org;
  const name = `bj${process.pid % 100000}`;
  const bastion = () => lab.hosts[0]!;
  const hidden = () => lab.hosts.filter((h) => h.behind);
  const scratch = mkdtempSync(join(tmpdir(), 'plumb-bastion-'));

  beforeAll(async () => {
    lab = await labUp({ name, hosts: 1, behindBastion: 2, system: 'intranet', baseline: 'behind-bastion', rings: 'pilot' });
    org = new Org(lab.inventoryPath);
    org.write('baselines/behind-bastion.yaml', BASELINE);
    org.commit('a baseline for the hosts behind the bastion');
  }, 10 * 60_000);
  afterAll(async () => {
    org?.cleanup();
    rmSync(scratch, { recursive: true, force: true });
    if (!process.env.PLUMB_LAB_KEEP) await labDown({ name });
  });

  it('the hosts behind the bastion are not reachable directly', async () => {
    const { model } = await loadRepository(org.dir);
    const h = model.hosts.get(hidden()[0]!.name)!;
    // No route: without the ssh_config's ProxyJump the connection goes nowhere.
    const direct = await openTransport(h, { connectTimeoutMs: 1500 }).then(() => 'connected', (e: { code?: string }) => e.code);
    expect(direct).toBe('E_SSH_CONNECT');
  });

  it('facts, plan and reconcile go through the bastion', () => {
    const facts = org.plumb('facts', ...hidden().map((h) => h.name), '--json');
    expect(facts.code, facts.stderr).toBe(0);
    expect(Object.keys(JSON.parse(facts.stdout).hosts ?? JSON.parse(facts.stdout)).length).toBeGreaterThan(0);

    const plan = org.plumb('plan', '--ref', 'main', '--json', '--host', hidden()[0]!.name);
    expect(plan.code, plan.stderr).toBe(2);
    expect(JSON.parse(plan.stdout).hosts[0].actions.map((a: { type: string }) => a.type).sort()).toEqual(['file-write', 'setting-set']);

    const rec = org.plumb('reconcile', '--ref', 'main');
    expect(rec.code, `${rec.stdout}\n${rec.stderr}`).toBe(2);
    expect(org.plumb('plan', '--ref', 'main').code).toBe(0);
  });

  it('agent forwarding stays off: the host behind the bastion never sees an agent', async () => {
    // A real ssh-agent holding the lab key, used for authentication at both hops.
    const agent = execFileSync('ssh-agent', ['-s', '-a', join(scratch, 'agent.sock')], { encoding: 'utf8' });
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent)![1]);
    try {
      execFileSync('ssh-add', [lab.keyPath], { env: { ...process.env, SSH_AUTH_SOCK: join(scratch, 'agent.sock') }, stdio: 'ignore' });
      const { model } = await loadRepository(org.dir);
      const h = model.hosts.get(hidden()[1]!.name)!;
      const agentOnly = { ...h, identity_file: undefined };
      const pool = new TransportPool({ agent: join(scratch, 'agent.sock'), identityFile: '' });
      pool.prepare(model, [agentOnly]);
      try {
        const t = await pool.get(agentOnly);
        const r = await t.exec('echo "${SSH_AUTH_SOCK-unset}"; ls /tmp | grep -c ssh- || true');
        expect(r.stdout.toString().split('\n').slice(0, 2)).toEqual(['unset', '0']);
      } finally {
        await pool.closeAll();
      }
    } finally {
      process.kill(pid);
    }
  });

  it('no trust on first use at the bastion: an unpinned or changed bastion key stops everything before the host behind it', async () => {
    const inv = join(org.dir, 'inventory/lab.yaml');
    const original = readFileSync(inv, 'utf8');
    const target = hidden()[0]!;
    // The host's sshd log (the lab keeps it on the control machine): nothing may reach it while the bastion is refused.
    const sshdLog = () => readFileSync(join(target.dir, 'boot.log'), 'utf8');
    const logBefore = sshdLog();
    try {
      // The bastion's pins removed: it is unpinned, and plumb says so, naming the bastion.
      writeFileSync(inv, original.replace(new RegExp(`(- name: ${bastion().name}\\n(?:    .*\\n)*?)    host_keys:\\n(?:      - .*\\n)+`), '$1'));
      const unpinned = org.plumb('facts', target.name);
      expect(unpinned.code).toBe(1);
      expect(unpinned.stderr).toMatch(new RegExp(`host '${bastion().name}' has no pinned SSH host key`));
      // A key that is not the bastion's: refused as a possible man in the middle.
      writeFileSync(inv, original.replaceAll(bastion().fingerprints[0]!, 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').replaceAll(bastion().fingerprints[1]!, 'SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'));
      const mismatch = org.plumb('facts', target.name);
      expect(mismatch.stderr).toMatch(new RegExp(`host '${bastion().name}' presented .* which is not pinned`));
    } finally {
      writeFileSync(inv, original);
    }
    expect(sshdLog()).toBe(logBefore);
  });

  it('plumb hosts trust pins a host behind the bastion through it, and pins a jump host', () => {
    const inv = join(org.dir, 'inventory/lab.yaml');
    const original = readFileSync(inv, 'utf8');
    const target = hidden()[1]!;
    try {
      // The host's pins removed: trust probes it through the (pinned) bastion and records the key it presents.
      writeFileSync(inv, original.replace(new RegExp(`(- name: ${target.name}\n(?:    .*\n)*?)    host_keys:\n(?:      - .*\n)+`), '$1'));
      const r = org.plumb('hosts', 'trust', target.name, '--fingerprint', target.fingerprints[0]!);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`${target.address} through ${bastion().name}`));
      expect(org.plumb('facts', target.name).code).toBe(0);
      // A bastion that is not a managed host: a jump_hosts entry, pinned by plumb hosts trust.
      org.write('inventory/jump.yaml', `jump_hosts:\n  - name: gate\n    address: ${bastion().address}\n`);
      const j = org.plumb('hosts', 'trust', 'gate', '--fingerprint', bastion().fingerprints[0]!);
      expect(j.code, j.stderr).toBe(0);
      expect(readFileSync(join(org.dir, 'inventory/jump.yaml'), 'utf8')).toContain(bastion().fingerprints[0]!);
    } finally {
      writeFileSync(inv, original);
      org.remove('inventory/jump.yaml');
    }
  });

  it('ssh_config plumb cannot follow stops the run, located, before anything is contacted', () => {
    const bad = join(scratch, 'ssh_config');
    writeFileSync(bad, `${readFileSync(lab.sshConfigPath, 'utf8')}\nHost *\n  Match exec "touch ${join(scratch, 'ran')}"\n`);
    const inv = join(org.dir, 'inventory/lab.yaml');
    const original = readFileSync(inv, 'utf8');
    try {
      writeFileSync(inv, original.replace(`ssh_config: ${lab.sshConfigPath}`, `ssh_config: ${bad}`));
      const r = org.plumb('facts', '--all');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`${bad}:\\d+:3: error: Match exec runs a command`));
      expect(r.stderr).toMatch(/E_SSH_CONFIG|nothing was contacted/);
      expect(spawnSync('test', ['-e', join(scratch, 'ran')]).status).toBe(1);
      // A loop in ProxyJump, likewise.
      writeFileSync(bad, `Host ${bastion().address}\n  ProxyJump ${hidden()[0]!.address}\nHost ${hidden()[0]!.address}\n  ProxyJump ${bastion().address}\n`);
      const loop = org.plumb('facts', '--all');
      expect(loop.code).toBe(1);
      expect(loop.stderr).toMatch(/ProxyJump makes a loop/);
    } finally {
      writeFileSync(inv, original);
    }
  });
});
