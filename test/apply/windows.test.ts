import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labUp, type LabInfo } from '../../engine/lab/index.js';
import { readRuns } from '../../engine/ledger/index.js';
import { describeLabMachine, onHost } from '../lab/skip.js';
import { approval, Org, remediation } from '../support/org.js';

/** Maintenance windows on real hosts: outside its window a host is skipped and reported; an emergency approval goes anyway, on record. */
describeLabMachine('maintenance windows and emergency approvals', () => {
  let lab: LabInfo;
  let org: Org;
  const on = (s: string) => onHost(lab, lab.hosts[0]!, s);

  beforeAll(async () => {
    lab = await labUp({ name: 'windows', hosts: 1, rings: 'pilot=1', system: 'payroll', replace: true, owner: `test-${process.pid}` });
    org = new Org(`${lab.stateDir}/inventory.yaml`);
    // A window that opens for one minute, twelve hours from now: closed for the whole test.
    const at = new Date(Date.now() + 12 * 3600_000);
    const hh = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const end = new Date(at.getTime() + 60_000);
    org.write('inventory/windows.yaml', `windows:\n  - name: later\n    timezone: UTC\n    slots:\n      - { days: [mon, tue, wed, thu, fri, sat, sun], start: "${hh(at)}", end: "${hh(end)}" }\n`);
    org.write('inventory/systems.yaml', 'systems:\n  - { name: payroll, impact: high, owner: Finance IT, window: later }\n  - { name: intranet, impact: moderate, owner: Workplace IT }\n');
    org.commit('payroll changes only in its window');
  }, 20 * 60_000);
  afterAll(async () => {
    org?.cleanup();
    if (lab) await labDown({ name: 'windows' });
  });

  it('skips a host outside its maintenance window and says when the window opens', async () => {
    await on('chmod 0644 /etc/shadow');
    const r = org.plumb('reconcile', '--ref', 'main');
    expect(r.code, r.stdout).toBe(2); // changes pending
    expect(r.stdout).toMatch(/skipped — outside maintenance window later \(opens \d{4}-/);
    expect((await on('stat -c %a /etc/shadow')).trim()).toBe('644');
    const run = (await readRuns(org.dir)).at(-1)!;
    expect(run.hosts[0]).toMatchObject({ status: 'skipped', skipReason: expect.stringMatching(/outside maintenance window later/) });
  });

  it('lets an emergency approval through the closed window, and records that it did', async () => {
    org
      .write('remediations/PLB-E-1.yaml', remediation({ id: 'PLB-E-1', kind: 'configuration', severity: 'critical', selector: 'platforms: [{ os: debian }]', action: 'settings:\n  - file: /etc/ssh/sshd_config\n    values: { LoginGraceTime: 0 }', extra: 'emergency: true\n' }))
      .write('remediations/approvals/APR-E-1.yaml', approval({ id: 'APR-E-1', remediation: 'PLB-E-1', rings: ['pilot'], emergency: true }));
    org.commit('emergency workaround');
    const r = org.plumb('reconcile', '--ref', 'main');
    expect(r.code, r.stdout).toBe(2);
    expect(await on('/usr/sbin/sshd -T | grep -i ^logingracetime')).toMatch(/logingracetime 0/);
    expect((await on('stat -c %a /etc/shadow')).trim()).toBe('644'); // the baseline fix still waits for the window
    const run = (await readRuns(org.dir)).at(-1)!;
    const actions = run.hosts[0]!.actions;
    expect(actions.find((a) => a.finding === 'setting:/etc/ssh/sshd_config:LoginGraceTime')).toMatchObject({ result: 'verified', approval: { id: 'APR-E-1', emergency: true } });
    expect(actions.find((a) => a.finding === 'file-mode:/etc/shadow')).toMatchObject({ result: 'skipped', skipReason: expect.stringMatching(/outside maintenance window/) });
    expect(run.rings[0]).toMatchObject({ ring: 'pilot', emergency: true });
  });
});
