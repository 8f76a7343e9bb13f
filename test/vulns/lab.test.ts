import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { VulnsReport } from '../../engine/cli/vulns/report.js';
import { labDown, labUp, type LabInfo } from '../../engine/lab/index.js';
import { describeLabMachine, onHost } from '../lab/skip.js';
import { approval, Org, remediation } from '../support/org.js';
import { osvRecords, securitySources } from './osv-from-mirror.js';

/**
 * The proof of issue 6 on real hosts: a lab of two Debian hosts whose image has pending security updates on the
 * lab's signed mirror. Advisories are generated for exactly those updates (plus some that must not match);
 * `plumb vulns` must report exactly the (host, source package) pairs concerned, with the fix on the mirror;
 * `plumb propose` writes the remediations on a branch without touching the working tree; after the board's
 * approval and `plumb reconcile`, `plumb vulns` reports nothing open. Each test builds on the one before.
 */
describeLabMachine('vulnerabilities on real lab hosts: matched, proposed, approved, applied, gone', () => {
  // A lab of its own, named per process: another run of the suite (a CI job on the same machine) makes its own.
  const name = `vulns-${process.pid}`;
  let lab: LabInfo;
  let org: Org;
  let feed: string;
  let branch: string;
  const sources = () => securitySources(lab.mirror);
  const vulns = (...args: string[]) => {
    const r = org.plumb('vulns', '--json', ...args);
    let report: VulnsReport | undefined;
    try {
      report = JSON.parse(r.stdout) as VulnsReport;
    } catch {
      /* asserted by the caller through code and stderr */
    }
    return { ...r, report: report! };
  };
  const openPairs = (r: VulnsReport) => r.hosts.flatMap((h) => h.entries.filter((e) => e.open).map((e) => `${h.host} ${e.sourcePackage}`)).sort();
  const installed = async (host: number, pkg: string) => (await onHost(lab, lab.hosts[host]!, `dpkg-query -W -f '\${Version}' ${pkg}`)).trim();

  beforeAll(async () => {
    lab = await labUp({ name, hosts: 2, rings: 'pilot=1,broad', system: 'intranet', replace: true, owner: `test-${process.pid}` });
    org = new Org(`${lab.stateDir}/inventory.yaml`);
    org.trustLabMirror(lab.mirror);
    org.commit('the lab mirror, with its signing key, is where fixes come from');
    const opensslSourceVersion = (await onHost(lab, lab.hosts[0]!, "dpkg-query -W -f '${source:Version}' libssl3")).trim();
    const { matching, notMatching } = osvRecords(lab.mirror, { opensslSourceVersion });
    feed = mkdtempSync(join(tmpdir(), 'plumb-osv-'));
    for (const r of [...matching, ...notMatching]) writeFileSync(join(feed, `${r.id}.json`), `${JSON.stringify(r, null, 2)}\n`);
  }, 20 * 60_000);

  afterAll(async () => {
    org?.cleanup();
    if (feed) rmSync(feed, { recursive: true, force: true });
    if (lab) await labDown({ name });
  });

  it('reports exactly the image packages with pending security updates, with the fix on the signed mirror', async () => {
    expect(lab.mirror.securityUpdates.length, 'the mirror carries security updates of the image').toBeGreaterThan(0);
    const imported = org.plumb('advisories', 'import', feed);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    org.commit('advisories for the pending security updates, and some that must not match');

    const { code, stderr, report } = vulns();
    expect(code, stderr).toBe(2);
    const expected = lab.hosts.flatMap((h) => sources().map((s) => `${h.name} ${s.source}`)).sort();
    expect(openPairs(report)).toEqual(expected);
    const ids = new Set(report.hosts.flatMap((h) => h.entries.flatMap((e) => e.advisories)));
    expect([...ids].sort()).toEqual(sources().map((s) => s.id).sort()); // none of the records that must not match
    for (const h of report.hosts) {
      for (const e of h.entries) {
        const s = sources().find((x) => x.source === e.sourcePackage)!;
        expect(e).toMatchObject({ status: 'affected', fixed: s.fixed, open: true, remediations: [], mirror: { available: true } });
        expect(e.ids).toEqual(s.cves);
        // The mirror's build of the fix, per installed binary: exactly the security update's version.
        for (const p of e.packages) {
          const u = lab.mirror.securityUpdates.find((x) => x.package === p.name);
          if (u) expect(e.mirror.versions?.[p.name]).toBe(u.fixedVersion);
        }
        expect(e.priority).toMatchObject({ tier: expect.any(String), deadline: expect.stringMatching(/^\d{4}-/) });
      }
    }
    expect(report.summary).toMatchObject({ hosts: 2, vulnerableHosts: 2, unreachable: 0, open: expected.length, fixOnMirror: expected.length, withoutRemediation: expected.length });
    expect(report.mirrors).toEqual([expect.objectContaining({ url: lab.mirror.url })]);

    const human = org.plumb('vulns', '--worklist');
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/^intranet/m);
    expect(human.stdout).toMatch(/Work list: \d+ open vulnerabilities, most urgent first/);
    expect(human.stdout).toMatch(/signature verified/);
  });

  it('proposes one remediation per source package on a new branch, keeps what a person wrote, and never duplicates', () => {
    // An administrator already wrote a remediation for one of them, by hand.
    const mine = sources()[0]!;
    org.write('remediations/PLB-2026-0900-by-hand.yaml', remediation({ id: 'PLB-2026-0900', kind: 'patch', selector: `platforms: [{ os: debian }]\npackage: { name: ${mine.source}, source: true, affected: "< ${mine.fixed}" }`, action: `packages:\n${lab.mirror.securityUpdates.filter((u) => u.source === mine.source).map((u) => `  - { name: ${u.package}, version: "${u.fixedVersion}" }`).join('\n')}` }));
    org.commit(`${mine.source}: written by hand`);
    const head = org.git('rev-parse', 'HEAD');

    const r = org.plumb('propose', '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { branch: string; commit: string; proposed: Array<{ id: string; file: string; sourcePackage: string; packages: Array<{ name: string; version: string; from: string }> }>; skipped: Array<{ sourcePackage: string; reason: string }>; message: string };
    branch = out.branch;
    expect(branch).toMatch(/^plumb\/propose-\d{4}-\d{2}-\d{2}$/);
    expect(out.proposed.map((p) => p.sourcePackage).sort()).toEqual(sources().slice(1).map((s) => s.source).sort());
    expect(out.skipped).toEqual([expect.objectContaining({ sourcePackage: mine.source, reason: expect.stringContaining('PLB-2026-0900') })]);
    for (const p of out.proposed) {
      for (const b of p.packages) expect(b).toEqual({ name: b.name, version: lab.mirror.securityUpdates.find((u) => u.package === b.name)!.fixedVersion, from: 'mirror' });
    }
    expect(out.message).toMatch(/^plumb propose: \d+ remediations for \d+ open vulnerabilities\n/);

    // Nothing but the branch changed: HEAD, the index and the working tree are as they were.
    expect(org.git('rev-parse', 'HEAD')).toBe(head);
    expect(org.git('status', '--porcelain')).toBe('');
    expect(org.git('rev-parse', branch)).toBe(out.commit);
    expect(org.git('rev-parse', `${branch}^`)).toBe(head);
    expect(org.git('diff', '--name-only', head, branch).split('\n').sort()).toEqual(out.proposed.map((p) => p.file).sort());
    expect(org.git('fsck', '--strict', '--no-dangling')).toBe('');
    expect(org.git('log', '-1', '--format=%B', branch)).toBe(out.message.trimEnd());

    const valid = org.plumb('validate', '--ref', branch);
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);

    // Run again: everything is answered, on the branch or by hand; nothing is written.
    const again = org.plumb('propose', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ proposed: [], commit: null });
    expect(org.git('rev-parse', branch)).toBe(out.commit);
  });

  it('after the board approves and plumb reconcile applies them, plumb vulns reports nothing open', async () => {
    org.git('merge', '-q', '--no-edit', branch);
    const ids = [...org.git('ls-files', 'remediations').matchAll(/remediations\/(PLB-\d{4}-\d{4})-[^/]*\.yaml/g)].map((m) => m[1]!);
    expect(ids.length).toBe(sources().length);
    for (const id of ids) org.write(`remediations/approvals/APR-${id}.yaml`, approval({ id: `APR-${id}`, remediation: id, rings: ['pilot', 'broad'], approver: 'bob' }));
    org.commit('CAB: approved for pilot and broad');

    const approved = vulns('--ref', 'main');
    expect(approved.code).toBe(2);
    for (const e of approved.report.hosts.flatMap((h) => h.entries)) expect(e.remediations[0]).toMatchObject({ applies: true, approved: true });
    expect(approved.report.summary).toMatchObject({ approved: approved.report.summary.open, withoutRemediation: 0 });

    const rec = org.plumb('reconcile', '--ref', 'main');
    expect(rec.code, `${rec.stdout}\n${rec.stderr}`).toBe(2);
    for (const [i] of lab.hosts.entries()) for (const u of lab.mirror.securityUpdates) expect(await installed(i, u.package)).toBe(u.fixedVersion);

    const after = vulns('--ref', 'main');
    expect(after.code, after.stderr).toBe(0);
    expect(openPairs(after.report)).toEqual([]);
    expect(after.report.summary).toMatchObject({ open: 0, vulnerableHosts: 0, hosts: 2 });
    expect(org.plumb('vulns').stdout).toMatch(/no open vulnerabilities: 0 open vulnerabilities on 0 of 2 hosts/);
  });

  it('lists the resources of the system with their facts, and what nothing covers', () => {
    const list = org.plumb('inventory', 'list', '--system', 'intranet', '--json');
    expect(list.code, list.stderr).toBe(0);
    const systems = JSON.parse(list.stdout) as Array<{ name: string; hosts: Array<{ host: string; location?: string; facts?: { os: string; packages: number; listening: string[] } }> }>;
    expect(systems.map((s) => s.name)).toEqual(['intranet']);
    expect(systems[0]!.hosts.map((h) => h.host)).toEqual(lab.hosts.map((h) => h.name));
    for (const h of systems[0]!.hosts) {
      expect(h.location).toContain(`plumb lab ${name} `);
      expect(h.facts?.os).toMatch(/Debian GNU\/Linux 12/);
      expect(h.facts?.packages).toBeGreaterThan(50);
      expect(h.facts?.listening).toContain('tcp/22 (sshd)');
    }
    const unsupported = org.plumb('inventory', 'unsupported', '--json');
    expect(unsupported.code).toBe(2);
    const view = JSON.parse(unsupported.stdout) as { packages: Array<{ source: string; hosts: number }>; hosts: unknown[] };
    expect(view.hosts).toEqual([]);
    for (const s of sources()) expect(view.packages.map((p) => p.source)).not.toContain(s.source); // covered by the advisories
    expect(view.packages.find((p) => p.source === 'bash')).toMatchObject({ hosts: 2 });
  });
});
