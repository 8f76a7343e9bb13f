import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimHost, describeLab, onHost, type ClaimedHost } from '../lab/skip.js';
import { approval, Org } from '../support/org.js';

/**
 * Manual remediations on a real host (SP 800-40 4.1.5): the checks read from real facts — a package version, a
 * file's sha256, a command's exit status run with the facts only where the board approved the remediation —, the
 * work listed in plumb vulns and its work list, overdue first, and never counted done without an attestation.
 */
const manual = (id: string, host: string, check: string, deadline: string) => `id: ${id}
title: ${id} by hand
severity: high
kind: manual
selector: { hosts: [${host}] }
manual:
  owner: appliance-team
  steps: |
    1. Follow the vendor's procedure.
${check}deadline: ${deadline}
proposed_by: dave
`;

describeLab('manual remediations on a real host', (lab) => {
  let claimed: ClaimedHost;
  let org: Org;
  const vulns = () => {
    const r = org.plumb('vulns', '--worklist', '--json', '--no-mirror', '--host', claimed.host.name);
    expect([0, 2], r.stderr).toContain(r.code);
    return JSON.parse(r.stdout) as { hosts: Array<{ manual: Array<{ remediation: string; state: string; overdue: boolean; check: { state: string; detail: string } | null }> }>; summary: { manual: Record<string, number> }; manualWork: Array<{ remediation: string; overdue: boolean }> };
  };
  const item = (v: ReturnType<typeof vulns>, id: string) => v.hosts[0]!.manual.find((m) => m.remediation === id)!;

  beforeAll(async () => {
    claimed = await claimHost(lab());
    const h = claimed.host;
    const inv = join(lab().stateDir, `manual-${h.name}.yaml`);
    writeFileSync(inv, `hosts:\n  - name: ${h.name}\n    address: ${h.address}\n    port: ${h.port}\n    user: root\n    identity_file: ${lab().keyPath}\n    host_keys: [${h.fingerprints.map((f) => `"${f}"`).join(', ')}]\n    system: intranet\n    baseline: debian-12-server\n    ring: pilot\n`);
    org = new Org(inv);
    const marker = `/tmp/plumb-unapproved-${process.pid}`;
    org
      .write('remediations/M-FW.yaml', manual('M-FW', h.name, '  check:\n    command: { run: "test -f /etc/plumb-fw-4.2.1", exit_code: 0 }\n', '2099-01-01'))
      .write('remediations/approvals/APR-M-FW.yaml', approval({ id: 'APR-M-FW', remediation: 'M-FW', rings: ['pilot'] }))
      .write('remediations/M-UNAPPROVED.yaml', manual('M-UNAPPROVED', h.name, `  check:\n    command: { run: "touch ${marker}" }\n`, '2099-01-01'))
      .write('remediations/M-PKG.yaml', manual('M-PKG', h.name, '  check:\n    package: { name: apt, min_version: "1.0" }\n', '2020-01-01'));
    org.commit('manual remediations');
  }, 10 * 60_000);
  afterAll(async () => {
    org?.cleanup();
    await claimed?.release();
  });

  it('checks from real facts; open until attested; overdue first in the work list', async () => {
    let v = vulns();
    expect(item(v, 'M-FW')).toMatchObject({ state: 'open', check: { state: 'failed', detail: 'the command exited with 1, not 0' } });
    expect(item(v, 'M-PKG')).toMatchObject({ state: 'open', overdue: true, check: { state: 'passed' } });
    // Not approved for the ring: its command never ran.
    expect(item(v, 'M-UNAPPROVED').check).toMatchObject({ state: 'unknown' });
    expect(await onHost(lab(), claimed.host, `test -e /tmp/plumb-unapproved-${process.pid} && echo ran || echo never`)).toMatch(/never/);
    expect(v.manualWork.map((m) => m.remediation)).toEqual(['M-PKG', 'M-FW', 'M-UNAPPROVED']);
    expect(v.summary.manual).toMatchObject({ total: 3, done: 0, open: 3, overdue: 1 });

    // The person does the work: the check now passes, but without an attestation it is still not done.
    await onHost(lab(), claimed.host, 'touch /etc/plumb-fw-4.2.1');
    v = vulns();
    expect(item(v, 'M-FW')).toMatchObject({ state: 'open', check: { state: 'passed' } });
    expect(v.summary.manual.done).toBe(0);
    const human = org.plumb('vulns', '--worklist', '--no-mirror', '--host', claimed.host.name).stdout;
    expect(human).toMatch(/Manual work \(SP 800-40 4\.1\.5\), overdue first:\n\s+\S+\s+manual\s+M-PKG .*OVERDUE/);
    expect(human).toMatch(/manual work 0 of 3 done, 1 overdue/);

    // Metrics and the report count them the same way: nothing done without an attestation.
    const metrics = org.plumb('metrics', '--system', 'intranet', '--json');
    expect(metrics.code, metrics.stderr).toBe(0);
    expect(JSON.parse(metrics.stdout).systems[0].manual.tally).toMatchObject({ total: 3, done: 0, overdue: 1 });
    expect(org.plumb('metrics', '--system', 'intranet', '--prometheus').stdout).toMatch(/plumbline_manual_remediations\{system="intranet",state="done"\} 0/);
    const out = join(org.dir, 'report-out');
    const report = org.plumb('report', '--out', out, '--system', 'intranet');
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<h3>Manual remediations<\/h3>\s*<p class="line">manual remediations: 0 of 3 done/);
    expect(html).toMatch(/M-PKG M-PKG by hand<\/td><td>appliance-team<\/td><td>2020-01-01 <span class="verdict missed">overdue/);
  });
});
