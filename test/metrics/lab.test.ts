import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labUp, type LabInfo } from '../../engine/lab/index.js';
import { readRuns, type RunRecord } from '../../engine/ledger/index.js';
import type { MetricsReport, RatioMetric, TimeMetric } from '../../engine/metrics/types.js';
import { describeLabMachine, onHost } from '../lab/skip.js';
import { approval, Org } from '../support/org.js';
import { osvRecords, securitySources } from '../vulns/osv-from-mirror.js';

/**
 * The SP 800-40 metrics of a real rollout: on a lab of two Debian hosts (one pilot, one broad) whose image has
 * pending security updates on the lab's signed mirror, the whole loop runs through the built CLI —
 * import advisories → propose remediations → the board approves the pilot ring → reconcile (pilot) → the board
 * approves the broad ring → reconcile (broad), each host verified by re-gathering its facts. Then `plumb metrics`
 * must give exactly the times this timeline has, read independently: publication and import from the advisory
 * store, commit dates from the real git, verification times from the ledger; and ratios that match the hosts.
 */
describeLabMachine('metrics of a real rollout: import → propose → approve → apply → verify', () => {
  let lab: LabInfo;
  let org: Org;
  let feed: string;
  let report: MetricsReport;
  let runs: RunRecord[];
  const sources = () => securitySources(lab.mirror);
  const gitTime = (...args: string[]) => Number(org.git('log', '-1', ...args)) * 1000;

  beforeAll(async () => {
    lab = await labUp({ name: 'metrics', hosts: 2, rings: 'pilot=1,broad', system: 'intranet', replace: true, owner: `test-${process.pid}` });
    org = new Org(`${lab.stateDir}/inventory.yaml`);
    org.trustLabMirror(lab.mirror);
    org.write('inventory/program.yaml', 'targets:\n  patch-response-critical: { max: 1d, statistic: max }\nperimeter:\n  - { systems: [intranet], allow: [] }\n');
    org.commit('the lab mirror; targets; the perimeter blocks everything to intranet');
    const opensslSourceVersion = (await onHost(lab, lab.hosts[0]!, "dpkg-query -W -f '${source:Version}' libssl3")).trim();
    feed = mkdtempSync(join(tmpdir(), 'plumb-osv-'));
    for (const r of osvRecords(lab.mirror, { opensslSourceVersion }).matching) writeFileSync(join(feed, `${r.id}.json`), `${JSON.stringify(r, null, 2)}\n`);
  }, 20 * 60_000);

  afterAll(async () => {
    org?.cleanup();
    if (feed) rmSync(feed, { recursive: true, force: true });
    if (lab) await labDown({ name: 'metrics' });
  });

  it('runs the loop: import, propose, approve pilot, reconcile, approve broad, reconcile', async () => {
    expect(sources().length, 'the mirror carries security updates of the image').toBeGreaterThan(0);
    const imported = org.plumb('advisories', 'import', feed);
    expect(imported.code, imported.stderr).toBe(0);
    // Git records commit times to the second; imports and the ledger stamp milliseconds. Every commit that follows
    // a stamped event starts the next second first, so the known timeline survives git's rounding.
    await nextSecond();
    org.commit('advisories');
    const proposed = org.plumb('propose', '--json');
    expect(proposed.code, proposed.stderr).toBe(0);
    org.git('merge', '-q', '--no-edit', (JSON.parse(proposed.stdout) as { branch: string }).branch);
    const ids = [...org.git('ls-files', 'remediations').matchAll(/remediations\/(PLB-\d{4}-\d{4})-[^/]*\.yaml/g)].map((m) => m[1]!);
    expect(ids.length).toBe(sources().length);

    for (const id of ids) org.write(`remediations/approvals/APR-${id}-P.yaml`, approval({ id: `APR-${id}-P`, remediation: id, rings: ['pilot'] }));
    org.commit('CAB: pilot');
    const pilot = org.plumb('reconcile', '--ref', 'main');
    expect(pilot.code, `${pilot.stdout}\n${pilot.stderr}`).toBe(2);
    expect(pilot.stdout).toMatch(/awaiting approval/);

    for (const id of ids) org.write(`remediations/approvals/APR-${id}-B.yaml`, approval({ id: `APR-${id}-B`, remediation: id, rings: ['pilot', 'broad'] }));
    await nextSecond();
    org.commit('CAB: broad, after the pilot');
    const broad = org.plumb('reconcile', '--ref', 'main');
    expect(broad.code, `${broad.stdout}\n${broad.stderr}`).toBe(2);
    for (const h of lab.hosts) for (const u of lab.mirror.securityUpdates) expect((await onHost(lab, h, `dpkg-query -W -f '\${Version}' ${u.package}`)).trim()).toBe(u.fixedVersion);

    runs = await readRuns(org.dir);
    const m = org.plumb('metrics', '--json', '--ref', 'main');
    expect(m.code, m.stderr).toBe(0);
    report = JSON.parse(m.stdout) as MetricsReport;
  });

  it('identification time: each vulnerability from its publication to its import, as the store recorded it', () => {
    const intranet = report.systems.find((s) => s.system === 'intranet')!;
    const t = intranet.metrics.find((x) => x.id === 'identification-time') as TimeMetric;
    const stored = readdirSync(join(org.dir, 'advisories/osv')).map((f) => JSON.parse(readFileSync(join(org.dir, 'advisories/osv', f), 'utf8')) as { id: string; aliases: string[]; published: string; knew: string });
    // One item per advisory and the CVEs it names: the group learned of them at once.
    expect(t.items).toHaveLength(stored.length);
    for (const a of stored) {
      const item = t.items.find((i) => i.ids.includes(a.id))!;
      expect(item.ids.sort()).toEqual([a.id, ...a.aliases].sort());
      expect(item).toMatchObject({ start: new Date(a.published).toISOString(), end: new Date(a.knew).toISOString(), seconds: (Date.parse(a.knew) - Date.parse(a.published)) / 1000, knewFrom: `advisory ${a.id} imported` });
    }
  });

  it('patch response time: knew → both hosts verified, its phases from git and the ledger', () => {
    const intranet = report.systems.find((s) => s.system === 'intranet')!;
    const items = ['patch-response-critical', 'patch-response-noncritical'].flatMap((id) => (intranet.metrics.find((x) => x.id === id) as TimeMetric).items);
    expect(items.map((i) => i.id).sort()).toEqual([...org.git('ls-files', 'remediations').matchAll(/remediations\/(PLB-\d{4}-\d{4})-/g)].map((m) => m[1]!).sort());
    const pilotHost = lab.hosts[0]!.name;
    for (const item of items) {
      const file = org.git('ls-files', 'remediations').split('\n').find((f) => f.startsWith(`remediations/${item.id}-`))!;
      const rem = readFileSync(join(org.dir, file), 'utf8');
      const advisories = [...rem.matchAll(/\b(DSA-\d+-\d+)\b/g)].map((m) => m[1]!);
      const knew = Math.min(...advisories.map((id) => Date.parse((JSON.parse(readFileSync(join(org.dir, 'advisories/osv', `${id}.json`), 'utf8')) as { knew: string }).knew)));
      // The real git is the oracle for the dates isomorphic-git read: when the file was added, when each approval landed.
      const written = gitTime('--diff-filter=A', '--format=%at', '--', file);
      const pilotApproved = gitTime('--first-parent', '--diff-filter=A', '--format=%ct', '--', `remediations/approvals/APR-${item.id}-P.yaml`);
      const broadApproved = gitTime('--first-parent', '--diff-filter=A', '--format=%ct', '--', `remediations/approvals/APR-${item.id}-B.yaml`);
      const verified = (host: string) => Math.max(...runs.flatMap((r) => r.hosts.filter((h) => h.host === host).flatMap((h) => h.actions.filter((a) => a.origin.kind === 'remediation' && a.origin.id === item.id && a.result === 'verified').map((a) => Date.parse(a.verifiedAt!)))));
      const tp = verified(pilotHost);
      const done = Math.max(...lab.hosts.map((h) => verified(h.name)));
      expect(knew).toBeLessThanOrEqual(written);
      expect(written).toBeLessThanOrEqual(pilotApproved);
      expect(pilotApproved).toBeLessThanOrEqual(tp);
      expect(tp).toBeLessThanOrEqual(broadApproved);
      expect(item).toMatchObject({
        start: new Date(knew).toISOString(),
        end: new Date(done).toISOString(),
        seconds: (done - knew) / 1000,
        hosts: { relevant: 2, done: 2 },
        phases: { analysis: (written - knew) / 1000, approval: (pilotApproved - written + broadApproved - tp) / 1000, testing: (tp - pilotApproved) / 1000, deployment: (done - broadApproved) / 1000 },
      });
    }
    expect(intranet.rollout.every((r) => r.rings.map((x) => `${x.ring} ${x.done}/${x.relevant}`).join(',') === 'pilot 1/1,broad 1/1')).toBe(true);
    expect(intranet.latencies).toHaveLength(items.length * 2);
  });

  it('ratios after the rollout: nothing open, and the services the hosts really listen on', async () => {
    const intranet = report.systems.find((s) => s.system === 'intranet')!;
    const ratio = (id: string) => intranet.metrics.find((x) => x.id === id) as RatioMetric;
    expect(ratio('vulnerability-ratio')).toMatchObject({ hosts: 2, total: { all: 0, exposed: 0 } });
    expect(ratio('unapplied-patch-ratio')).toMatchObject({ hosts: 2, total: { all: 0, exposed: 0 } });
    // ss on the host itself is the oracle: distinct TCP/UDP ports bound beyond loopback.
    let expected = 0;
    for (const h of lab.hosts) {
      const out = await onHost(lab, h, 'ss -H -l -n -t -u');
      const ports = new Set(out.trim().split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/)).filter((f) => !/^(127\.|\[::1\]|::1)/.test(f[4]!)).map((f) => `${f[4]!.slice(f[4]!.lastIndexOf(':') + 1)}/${f[0]}`));
      expected += ports.size;
    }
    expect(ratio('network-service-ratio')).toMatchObject({ hosts: 2, total: { all: expected, exposed: 0 } }); // the perimeter blocks everything
    expect(intranet.compliance.observed).toBe(2);
    const critical = intranet.metrics.find((x) => x.id === 'patch-response-critical')!;
    if (critical.kind === 'time' && critical.stats) expect(critical).toMatchObject({ met: critical.stats.max <= 86400, target: { max: 86400, statistic: 'max' } });
  });

  it('the report shows the rollout, and the host pages the runs and commits behind them', () => {
    const out = join(org.dir, '.report');
    const r = org.plumb('report', '--out', out, '--ref', 'main', '--system', 'intranet');
    expect(r.code, r.stderr).toBe(0);
    const page = readFileSync(join(out, 'hosts', `${lab.hosts[1]!.name}.html`), 'utf8');
    for (const run of runs.filter((x) => x.hosts.some((h) => h.host === lab.hosts[1]!.name))) expect(page).toContain(run.id);
    expect(page).toContain('CAB: broad, after the pilot');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).not.toContain('payroll');
  });
});

function nextSecond(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}
