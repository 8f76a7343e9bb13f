import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostExec, labDown, labUp, readLab, type LabInfo } from '../../engine/lab/index.js';
import { describeLabMachine } from '../lab/skip.js';
import { Org } from '../support/org.js';

/**
 * A compromised host (SP 800-40 4.4) on a lab of its own: quarantined, it gets no change from plan, reconcile or
 * rollback; plumb rebuild resets it from the standard image with new host keys, pins them in place of the old ones,
 * applies its baseline from scratch in a recorded run that carries the incident, verifies it, and only then lifts
 * the quarantine. A "rebuild" that kept the old key is refused.
 */
describeLabMachine('plumb rebuild on a compromised lab host', () => {
  let lab: LabInfo;
  let org: Org;
  const name = `rb${process.pid % 100000}`;
  const h = () => lab.hosts[0]!;
  const on = async (script: string) => (await hostExec(lab, h().name, script)).stdout.trim();
  const inventory = () => readFileSync(join(org.dir, 'inventory/lab.yaml'), 'utf8');
  const hostDoc = () => (parse(inventory()) as { hosts: Array<Record<string, unknown>> }).hosts[0]!;
  const quarantine = () => {
    writeFileSync(join(org.dir, 'inventory/lab.yaml'), inventory().replace(`  - name: ${h().name}\n`, `  - name: ${h().name}\n    compromised: { since: 2026-12-01, reason: web shell in /usr/local/bin, ticket: INC-7 }\n`));
    org.commit('quarantine');
  };

  beforeAll(async () => {
    lab = await labUp({ name, hosts: 1, system: 'intranet', baseline: 'debian-12-server', rings: 'pilot' });
    org = new Org(lab.inventoryPath);
    quarantine();
  }, 10 * 60_000);
  afterAll(async () => {
    org?.cleanup();
    if (!process.env.PLUMB_LAB_KEEP) await labDown({ name });
  });

  it('quarantined: plan and reconcile change nothing, rollback is refused', async () => {
    await on('chmod 0644 /etc/shadow && printf "#!/bin/sh\\n" > /usr/local/bin/backdoor');
    const plan = org.plumb('plan', '--json');
    expect(plan.code, plan.stderr).toBe(0);
    const p = JSON.parse(plan.stdout).hosts[0];
    expect(p.actions).toEqual([]);
    expect(p.quarantined).toMatchObject({ since: '2026-12-01', ticket: 'INC-7' });
    expect(p.unresolvable.map((u: { finding: string }) => u.finding)).toContain('file-mode:/etc/shadow');
    expect(org.plumb('plan').stdout).toMatch(/QUARANTINED since 2026-12-01 \(INC-7\)/);
    const rec = org.plumb('reconcile');
    expect(rec.code, rec.stderr).toBe(0);
    expect(await on('stat -c %a /etc/shadow')).toBe('644');
    const rb = org.plumb('rollback', h().name, '--run', '20261201T000000Z-000000', '--yes');
    expect(rb.stderr).toMatch(/quarantined/);
    expect(org.plumb('hosts', 'list').stdout).toMatch(/QUARANTINED since 2026-12-01 \(INC-7\)/);
    expect(JSON.parse(org.plumb('metrics', '--json').stdout).organization.incidents).toMatchObject({ quarantined: [h().name], rebuilt: [] });
    expect(org.plumb('inventory', 'list', '--no-gather').stdout).toMatch(/QUARANTINED since 2026-12-01 \(INC-7\)/);
    const out = join(org.dir, 'report-q');
    expect(org.plumb('report', '--out', out).code).toBe(0);
    expect(readFileSync(join(out, 'hosts', `${h().name}.html`), 'utf8')).toMatch(/quarantined<\/span> compromised since 2026-12-01 \(INC-7\)/);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/compromised hosts: 1 quarantined now/);
  });

  it('a rebuild that kept the old host key is refused, and the quarantine stays', () => {
    const r = org.plumb('rebuild', h().name, '--fingerprint', h().fingerprints[0]!, '--done-by', 'nobody');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/still presents its old host key/);
    expect(hostDoc().compromised).toBeDefined();
  });

  it('plumb rebuild --lab: new keys pinned, baseline from scratch, verified, quarantine lifted, incident in the ledger', async () => {
    const old = h().fingerprints;
    const r = org.plumb('rebuild', h().name, '--lab', name, '--json');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const out = JSON.parse(r.stdout);
    lab = readLab({ name });
    expect(lab.hosts[0]!.fingerprints).not.toEqual(old);
    expect(out.incident).toMatchObject({ host: h().name, quarantine: { since: '2026-12-01', ticket: 'INC-7' }, rebuild: { how: 'lab-image' }, previousHostKeys: old, newHostKeys: [lab.hosts[0]!.fingerprints[0]] });
    expect(out.lifted).toBe(true);
    // The inventory: the old pins replaced by the new key, the quarantine gone, everything else as it was.
    expect(hostDoc().host_keys).toEqual([lab.hosts[0]!.fingerprints[0]]);
    expect(hostDoc().compromised).toBeUndefined();
    // The host: the standard image (the planted file is gone) brought to its baseline.
    expect(await on('test -e /usr/local/bin/backdoor && echo still || echo gone')).toBe('gone');
    expect(await on('stat -c %a /etc/shadow')).toBe('640');
    // The ledger holds the incident with the run that closed it.
    const history = (JSON.parse(org.plumb('history', '--json').stdout) as { runs: Array<{ kind: string; incident?: unknown; status: string }> }).runs;
    const run = history.find((x) => x.kind === 'rebuild')!;
    expect(run).toMatchObject({ status: 'completed', incident: { host: h().name, quarantine: { reason: 'web shell in /usr/local/bin' }, newHostKeys: [lab.hosts[0]!.fingerprints[0]] } });
    // Metrics count the incident and the time to rebuild.
    const m = JSON.parse(org.plumb('metrics', '--json').stdout).organization.incidents;
    expect(m).toMatchObject({ quarantined: [], rebuilt: [{ host: h().name, since: '2026-12-01', ticket: 'INC-7' }] });
    expect(m.timeToRebuild.median).toBeGreaterThan(0);
    expect(org.plumb('metrics', '--prometheus').stdout).toMatch(/plumbline_incidents_rebuilt\{system="_organization"\} 1/);
    expect(org.plumb('history').stdout).toMatch(/incident\s+\S+ quarantined since 2026-12-01 \(INC-7\)/);
    // Not quarantined any more: a rebuild is refused, plan is back to normal.
    expect(org.plumb('rebuild', h().name, '--lab', name).stderr).toMatch(/not quarantined/);
    expect(org.plumb('plan').code).toBe(0);
  });
});
