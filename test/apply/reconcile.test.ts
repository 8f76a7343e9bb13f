import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labUp, type LabInfo, type MirrorInfo } from '../../engine/lab/index.js';
import { readRuns } from '../../engine/ledger/index.js';
import { describeLabMachine, onHost } from '../lab/skip.js';
import { approval, Org, remediation } from '../support/org.js';

/**
 * The write half on real hosts: a lab of four (two pilot, two broad), a desired-state repository, and the
 * built CLI. Each test builds on the state the previous one left, like successive scheduled runs.
 */
describeLabMachine('reconcile on real lab hosts', () => {
  // Named per process: a concurrent run of this file on the same machine makes its own lab.
  const name = `apply${process.pid}`;
  let lab: LabInfo;
  let org: Org;
  let mirror: MirrorInfo;
  const host = (i: number) => lab.hosts[i - 1]!;
  const on = (i: number, script: string) => onHost(lab, host(i), script);
  const version = async (i: number, pkg: string) => {
    const out = await on(i, `dpkg-query -W -f '\${db:Status-Abbrev}\${Version}' ${pkg} 2>/dev/null || true`);
    return /^[ih]i /.test(out) ? out.slice(3).trim() : null;
  };

  beforeAll(async () => {
    lab = await labUp({ name, hosts: 4, rings: 'pilot=2,broad', system: 'intranet', replace: true, owner: `test-${process.pid}` });
    mirror = lab.mirror;
    org = new Org(`${lab.stateDir}/inventory.yaml`);
  }, 20 * 60_000);
  afterAll(async () => {
    org?.cleanup();
    if (lab) await labDown({ name });
  });

  it('brings drifted hosts to their baseline, installs approved security updates, and leaves unapproved ones alone', async () => {
    const ssl = mirror.securityUpdates.find((u) => u.package === 'libssl3')!;
    expect(ssl, 'the mirror carries a libssl3 security update').toBeTruthy();
    // Hand-made drift, the way an administrator (or an attacker) would leave it.
    await on(1, 'apt-get -q update >/dev/null && apt-get -q -y install telnetd >/dev/null && chmod 0644 /etc/shadow && systemctl --root=/ enable rsync');
    await on(3, "sed -i '1i PermitRootLogin yes' /etc/ssh/sshd_config");
    await on(2, 'apt-get -q update >/dev/null && apt-get -q -y install plumb-demo-agent=1.0-1 >/dev/null');
    org
      .write('remediations/PLB-T-SSL.yaml', remediation({ id: 'PLB-T-SSL', kind: 'patch', selector: `platforms: [{ os: debian }]\npackage: { name: ${ssl.source}, source: true, affected: "< ${ssl.sourceVersion}" }`, action: `packages:\n  - { name: libssl3, version: "${ssl.fixedVersion}" }` }))
      .write('remediations/approvals/APR-T-SSL.yaml', approval({ id: 'APR-T-SSL', remediation: 'PLB-T-SSL', rings: ['pilot', 'broad'] }))
      .write('remediations/PLB-T-AGENT.yaml', remediation({ id: 'PLB-T-AGENT', kind: 'patch', selector: 'package: { name: plumb-demo-agent, affected: "< 1.0-2" }', action: 'packages:\n  - { name: plumb-demo-agent, version: "1.0-2" }' }));
    const commit = org.commit('openssl security update (approved) and a demo agent update (not approved)');

    const plan = org.plumb('plan', '--ref', 'main');
    expect(plan.code, plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/awaiting approval: PLB-T-AGENT/);

    const r = org.plumb('reconcile', '--ref', 'main');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
    for (const i of [1, 2, 3, 4]) expect(await version(i, 'libssl3')).toBe(ssl.fixedVersion);
    expect(await version(1, 'telnetd')).toBeNull();
    expect((await on(1, 'stat -c %a /etc/shadow')).trim()).toBe('640');
    expect((await on(1, 'systemctl --root=/ is-enabled rsync || true')).trim()).toBe('disabled');
    expect(await on(3, '/usr/sbin/sshd -T | grep -i "^permitrootlogin"')).toMatch(/permitrootlogin without-password|permitrootlogin prohibit-password/);
    expect(await version(2, 'plumb-demo-agent')).toBe('1.0-1'); // not approved: never applied

    const runs = await readRuns(org.dir);
    const run = runs.at(-1)!;
    expect(run).toMatchObject({ kind: 'reconcile', status: 'completed', commit });
    expect(run.approvals.map((a) => a.id)).toEqual(['APR-T-SSL']);
    const actions = run.hosts.flatMap((h) => h.actions);
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => a.result !== 'verified' && a.type !== 'reboot-notify')).toEqual([]);
    expect(actions.some((a) => a.origin.kind === 'remediation' && a.origin.id === 'PLB-T-AGENT')).toBe(false);
    const sslAction = actions.find((a) => a.finding === 'package-vulnerable:libssl3')!;
    expect(sslAction).toMatchObject({ before: ssl.imageVersion, approval: { id: 'APR-T-SSL' }, source: expect.stringMatching(/^remediations\/PLB-T-SSL\.yaml:\d+@/) });
    expect(sslAction.startedAt && sslAction.appliedAt && sslAction.verifiedAt).toBeTruthy();
  });

  it('makes zero changes on a second reconcile', () => {
    const r = org.plumb('reconcile', '--ref', 'main');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Plan: 4 hosts, 0 upgrades, 0 removals, 0 configuration changes; 1 awaiting approval/);
  });

  it('rolls a host back to before a run, as a recorded run of its own', async () => {
    const runs = await readRuns(org.dir);
    const first = runs.find((r) => r.hosts.some((h) => h.host === `${name}-1` && h.actions.some((a) => a.finding === 'package-forbidden:telnetd')))!;
    const before = first.hosts.find((h) => h.host === `${name}-1`)!;
    const r = org.plumb('rollback', `${name}-1`, '--run', first.id, '--yes');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await version(1, 'libssl3')).toBe(before.packagesBefore.libssl3);
    expect((await on(1, 'stat -c %a /etc/shadow')).trim()).toBe('644'); // the file as the run found it
    expect(await version(1, 'telnetd')).toBe(before.packagesBefore.telnetd);
    const last = (await readRuns(org.dir)).at(-1)!;
    expect(last).toMatchObject({ kind: 'rollback', rollbackOf: first.id, status: 'completed' });
    // A deliberate rollback is not a regression: the next plan simply wants the patch again.
    expect(org.plumb('plan', '--ref', 'main', '--host', `${name}-1`).stdout).not.toMatch(/REGRESSION/);
    // Fixed again, the same run can no longer be rolled back blindly: a later run changed the host.
    expect(org.plumb('reconcile', '--ref', 'main').code).toBe(2);
    const refused = org.plumb('rollback', `${name}-1`, '--run', first.id, '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/later run/);
  });

  it('refuses a saved plan once a host changed after it was made', async () => {
    await on(4, 'chmod 0644 /etc/shadow');
    const planned = org.plumb('plan', '--ref', 'main', '--out', `${org.dir}/.plumb/plan.json`);
    expect(planned.code).toBe(2);
    await on(4, 'chmod 0600 /etc/issue.net'); // a managed file changes behind the plan's back
    const stale = org.plumb('apply', `${org.dir}/.plumb/plan.json`, '--yes');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/the plan is stale: the real state of 1 host\(s\) changed/);
    expect((await on(4, 'stat -c %a /etc/shadow')).trim()).toBe('644'); // nothing was changed
    // A fresh plan of the same state applies.
    org.plumb('plan', '--ref', 'main', '--out', `${org.dir}/.plumb/plan.json`);
    const ok = org.plumb('apply', `${org.dir}/.plumb/plan.json`, '--yes');
    expect(ok.code, `${ok.stdout}\n${ok.stderr}`).toBe(0);
    expect((await on(4, 'stat -c %a /etc/shadow')).trim()).toBe('640');
  });

  it('restores a host whose package postinst fails, records it, and halts the next ring at the failure threshold', async () => {
    org
      .write('baselines/lab-broken.yaml', 'name: lab-broken\nextends: debian-12-server\npackages:\n  required:\n    - { name: plumb-broken }\n')
      .write('inventory/lab.yaml', readFileSync(`${org.dir}/inventory/lab.yaml`, 'utf8').replace(new RegExp(`(name: ${name}-1\\n(?:.*\\n)*?\\s+baseline: )debian-12-server`), '$1lab-broken'));
    org.commit('apply-1 gets a package whose postinst fails');
    const sshdBefore = await on(1, 'sha256sum /etc/ssh/sshd_config');
    await on(1, 'chmod 0600 /etc/shadow'); // a change the same host would also make, to see it restored
    await on(2, 'chmod 0644 /etc/shadow');
    await on(3, 'chmod 0644 /etc/shadow');

    const r = org.plumb('reconcile', '--ref', 'main');
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/rollout halted: ring pilot reached its failure threshold/);
    expect(await version(1, 'plumb-broken')).toBeNull(); // the half-installed package was taken out again
    expect((await on(1, 'stat -c %a /etc/shadow')).trim()).toBe('600'); // the file change was restored
    expect(await on(1, 'sha256sum /etc/ssh/sshd_config')).toBe(sshdBefore);
    expect((await on(2, 'stat -c %a /etc/shadow')).trim()).toBe('640'); // the other pilot host succeeded
    expect((await on(3, 'stat -c %a /etc/shadow')).trim()).toBe('644'); // broad never started

    const run = (await readRuns(org.dir)).at(-1)!;
    expect(run.status).toBe('halted');
    const h1 = run.hosts.find((h) => h.host === `${name}-1`)!;
    expect(h1.status).toBe('restored');
    expect(h1.actions.find((a) => a.finding === 'package-missing:plumb-broken')).toMatchObject({ result: 'failed', error: { code: 'E_ACTION_FAILED' } });
    expect(run.hosts.find((h) => h.host === `${name}-2`)!.status).toBe('changed');
    expect(run.rings.find((x) => x.ring === 'broad')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/halted/) });
    expect(run.hosts.find((h) => h.host === `${name}-3`)).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/halted/) });

    // Take the broken requirement back out; the next run finishes the rollout.
    org.write('inventory/lab.yaml', readFileSync(`${org.dir}/inventory/lab.yaml`, 'utf8').replace('baseline: lab-broken', 'baseline: debian-12-server')).remove('baselines/lab-broken.yaml');
    org.commit('drop plumb-broken');
    const again = org.plumb('reconcile', '--ref', 'main');
    expect(again.code, again.stdout).toBe(2);
    expect((await on(3, 'stat -c %a /etc/shadow')).trim()).toBe('640');
  });

  it('reports a verified patch undone behind its back as a regression, distinct from new drift', async () => {
    const ssl = mirror.securityUpdates.find((u) => u.package === 'libssl3')!;
    expect([0, 2]).toContain(org.plumb('reconcile', '--ref', 'main').code); // whatever was left is done
    expect(await version(1, 'libssl3')).toBe(ssl.fixedVersion);
    await on(1, `apt-get -q -y --allow-downgrades install libssl3=${ssl.imageVersion} >/dev/null 2>&1; chmod 0644 /etc/issue.net`);
    const plan = org.plumb('plan', '--ref', 'main', '--host', `${name}-1`);
    expect(plan.stdout).toMatch(/upgrade libssl3 .* REGRESSION: verified fixed by run \S+/);
    expect(plan.stdout).toMatch(/Plan: .*1 regression/);
    const json = JSON.parse(org.plumb('plan', '--ref', 'main', '--host', `${name}-1`, '--json').stdout) as { hosts: Array<{ actions: Array<{ finding: string; regression?: unknown }> }> };
    const actions = json.hosts[0]!.actions;
    expect(actions.find((a) => a.finding === 'package-vulnerable:libssl3')!.regression).toBeTruthy();
  });
});
