import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostExec } from '../../engine/lab/exec.js';
import type { LabInfo } from '../../engine/lab/types.js';
import { baselineDocument, renderBaseline } from '../../engine/scap/baseline-doc.js';
import { importScap, type ImportResult } from '../../engine/scap/import.js';
import { parseXml, descendants } from '../../engine/scap/xml.js';
import { claimHost, describeLab, onHost, type ClaimedHost } from '../lab/skip.js';
import { Org } from '../support/org.js';
import { breakRules } from './break.js';
import { installOscap } from './oscap-host.js';

/**
 * The oracle: plumb's verdict on every rule of an imported SSG profile against OpenSCAP's, run ONLINE inside the same
 * lab host (oscap-chroot from outside gives false passes: its dpkginfo and sysctl probes read the control machine).
 * Content: Debian's ssg-debian (SSG 0.1.65 for Debian 11) with test/scap/content/oracle-tailoring.xml (the standard
 * profile plus kernel-module, network-sysctl, sshd and backup-file rules, one refined value). Debian 12 is made a
 * platform of that content by test/scap/content/debian12-as-debian11-cpe-dictionary.xml for oscap (`--cpe`) and by
 * `--platform-versions '>= 11'` for plumb; no rule or check is changed.
 *
 * Cases: a fresh host; the same host with every mapped rule broken by a script that reads each rule's own check; the
 * host after `plumb reconcile` (oscap must then pass what plumb fixed); a setting moved into sshd_config.d. Target:
 * every mapped rule agrees, or differs in one of the documented, tested ways (README "Known differences"), each
 * settled by a tie-breaker. The agreement table is printed.
 */
const DS = '/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml';
const CONTENT = new URL('./content/', import.meta.url).pathname;
const PROFILE = 'xccdf_org.plumbline.lab_profile_oracle';
const haveContent = existsSync(DS) && spawnSync('oscap', ['--version']).status === 0;

type Result = 'pass' | 'fail' | 'error' | 'notapplicable' | 'notchecked' | 'notselected' | 'unknown';
interface Row {
  rule: string;
  plumb: Result;
  oscap: Result;
  verdict: 'agree' | 'explained' | 'disagree' | 'unmapped';
  why?: string;
}

describeLab('SCAP oracle: plumb agrees with OpenSCAP run inside the host', (lab) => {
  let claimed: ClaimedHost;
  let org: Org;
  let imported: ImportResult;
  const tables: Array<{ phase: string; rows: Row[] }> = [];
  const tmp = mkdtempSync(join(tmpdir(), 'plumb-oracle-'));

  beforeAll(async () => {
    if (!haveContent) return;
    claimed = await claimHost(lab());
    await installOscap(lab(), claimed.host);
    imported = importScap({
      datastream: { text: readFileSync(DS, 'utf8'), file: DS },
      tailoring: { text: readFileSync(join(CONTENT, 'oracle-tailoring.xml'), 'utf8'), file: join(CONTENT, 'oracle-tailoring.xml') },
      profile: PROFILE,
    });
    const h = claimed.host;
    const inv = join(lab().stateDir, `oracle-${h.name}.yaml`);
    writeFileSync(inv, `hosts:\n  - name: ${h.name}\n    address: ${h.address}\n    port: ${h.port}\n    user: root\n    identity_file: ${lab().keyPath}\n    host_keys: [${h.fingerprints.map((f) => `"${f}"`).join(', ')}]\n    system: intranet\n    baseline: ssg-oracle\n    ring: pilot\n`);
    org = new Org(inv);
    org.write('baselines/ssg-oracle.yaml', renderBaseline(baselineDocument(imported, { name: 'ssg-oracle', platformVersions: '>= 11' }), imported, 'plumb import scap (oracle test)'));
    // What the lab cannot put right, excepted so that reconcile leaves it (and both tools keep failing it): packages
    // its mirror does not carry, their services, and running values of the kernel every lab host shares.
    const excepted = [
      ...['auditd', 'rsyslog', 'cron', 'ntp'].flatMap((p) => [`package-missing:${p}`, `service:${p}.service`]),
      ...['fs.protected_hardlinks', 'fs.protected_symlinks', 'fs.suid_dumpable', 'kernel.randomize_va_space'].map((k) => `sysctl:${k}`),
    ];
    excepted.forEach((finding, i) =>
      org.write(
        `remediations/exceptions/EXC-ORACLE-${i}.yaml`,
        `id: EXC-ORACLE-${i}\nhost: ${h.name}\nfinding: "${finding}"\nkind: deferral\nreason: the lab cannot do this (no such package on its mirror, or a kernel shared with the control machine)\ncompensating_control: none; a lab host\napprover: carol\ndate: 2026-11-22\nexpires: 2099-01-01\n`,
      ),
    );
    org.commit('the imported SSG baseline for the oracle');
  }, 15 * 60_000);

  afterAll(async () => {
    for (const t of tables) printTable(t.phase, t.rows);
    org?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
    await claimed?.release();
  });

  /** oscap inside the host, on the same profile (tailoring) and the one CPE adjustment. */
  async function oscap(info: LabInfo): Promise<Map<string, Result>> {
    const tar = execFileSync('tar', ['-c', '-C', CONTENT, '.']);
    const r = await hostExec(info, claimed.host.name, `rm -rf /tmp/oracle && mkdir /tmp/oracle && tar -x -C /tmp/oracle && cd /tmp/oracle && oscap xccdf eval --tailoring-file oracle-tailoring.xml --profile ${PROFILE} --cpe debian12-as-debian11-cpe-dictionary.xml --results results.xml ${DS} >/dev/null 2>oscap.err; rc=$?; if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then cat oscap.err >&2; exit $rc; fi; cat results.xml`, { input: tar, timeoutMs: 600_000 });
    expect(r.code, r.stderr).toBe(0);
    const out = new Map<string, Result>();
    for (const rr of descendants(parseXml(r.stdout, 'results.xml'), 'rule-result')) out.set(rr.attrs.idref!, (rr.children.find((c) => c.name === 'result')?.text.trim() ?? 'unknown') as Result);
    return out;
  }

  /** plumb's verdicts through the CLI, as the ARF a SCAP tool would read (and checked by oscap's own validator). */
  function plumbVerdicts(): Map<string, Result> {
    const r = org.plumb('plan', '--ref', 'main', '--format', 'arf', '--datastream', DS);
    expect([0, 2], r.stderr).toContain(r.code);
    const file = join(tmp, 'arf.xml');
    writeFileSync(file, r.stdout);
    const valid = spawnSync('oscap', ['ds', 'rds-validate', file], { encoding: 'utf8' });
    expect(valid.status, `${valid.stdout}${valid.stderr}`).toBe(0);
    const out = new Map<string, Result>();
    for (const rr of descendants(parseXml(r.stdout, 'arf.xml'), 'rule-result')) out.set(rr.attrs.idref!, (rr.children.find((c) => c.name === 'result')?.text.trim() ?? 'unknown') as Result);
    return out;
  }

  /** Rules × {agree, explained, disagree}; an explanation holds only when its tie-breaker says plumb is right. */
  async function compare(phase: string): Promise<Row[]> {
    const [ours, theirs] = [plumbVerdicts(), await oscap(lab())];
    const rows: Row[] = [];
    for (const m of imported.mapped) {
      const p = ours.get(m.rule.id) ?? 'unknown';
      const o = theirs.get(m.rule.id) ?? 'unknown';
      if (p === o) rows.push({ rule: m.rule.id, plumb: p, oscap: o, verdict: 'agree' });
      else {
        const why = await explain(m.rule.id, m.checks, p, o);
        rows.push({ rule: m.rule.id, plumb: p, oscap: o, verdict: why ? 'explained' : 'disagree', why });
      }
    }
    for (const u of imported.unmapped) rows.push({ rule: u.rule.id, plumb: ours.get(u.rule.id) ?? 'unknown', oscap: theirs.get(u.rule.id) ?? 'unknown', verdict: 'unmapped', why: u.reason });
    tables.push({ phase, rows });
    return rows;
  }

  /** The documented differences (README "Known differences"), each decided by the program that reads the setting. */
  async function explain(rule: string, checks: string[], p: Result, o: Result): Promise<string | undefined> {
    const setting = checks.map((c) => /^setting:\/etc\/ssh\/sshd_config:(.+)$/.exec(c)?.[1]).find(Boolean);
    if (setting && p === 'pass' && o === 'fail') {
      // SSG 0.1.65 reads only /etc/ssh/sshd_config; sshd (and plumb) follow its Include of sshd_config.d.
      const m = imported.mapped.find((x) => x.rule.id === rule)!;
      const want = m.items.find((i) => i.kind === 'setting')!;
      const t = await onHost(lab(), claimed.host, 'sshd -T 2>/dev/null');
      const seen = new RegExp(`^${setting.toLowerCase()} (.*)$`, 'm').exec(t)?.[1];
      if (want.kind === 'setting' && seen?.toLowerCase() === want.value.toLowerCase()) return `sshd-include: sshd -T says ${setting} ${seen}; the content reads only sshd_config`;
    }
    return undefined;
  }

  const expectAgreement = (rows: Row[]) => expect(rows.filter((r) => r.verdict === 'disagree'), 'rules where plumb and oscap disagree').toEqual([]);

  it.skipIf(!haveContent)('a fresh host: every mapped rule agrees', async () => {
    const rows = await compare('fresh host');
    expectAgreement(rows);
    // The fresh image fails some rules (sshd settings unset, packages missing) and passes others (files, telnetd absent).
    expect(rows.filter((r) => r.verdict === 'agree' && r.oscap === 'fail').length).toBeGreaterThan(5);
    expect(rows.filter((r) => r.verdict === 'agree' && r.oscap === 'pass').length).toBeGreaterThan(5);
  }, 10 * 60_000);

  it.skipIf(!haveContent)('every mapped rule broken by a script that reads its check: every one agrees, and each file reports every attribute', async () => {
    const rules = imported.mapped.map((m) => m.rule);
    const b = breakRules(imported.ds, rules, imported.values);
    // The packages that must be absent, made as minimal .debs of those names and installed.
    const debs = join(tmp, 'debs');
    mkdirSync(debs, { recursive: true });
    for (const name of b.fakePackages) {
      const d = join(tmp, 'pkg', name);
      mkdirSync(join(d, 'DEBIAN'), { recursive: true });
      writeFileSync(join(d, 'DEBIAN/control'), `Package: ${name}\nVersion: 9999:0+plumb1\nArchitecture: all\nMaintainer: Plumbline oracle <oracle@example.org>\nDescription: stands in for ${name}, to break the rule that forbids it\n`);
      execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', d, join(debs, `${name}.deb`)], { stdio: 'ignore' });
    }
    const tar = execFileSync('tar', ['-c', '-C', debs, '.']);
    const r = await hostExec(lab(), claimed.host.name, `rm -rf /tmp/fake && mkdir /tmp/fake && tar -x -C /tmp/fake && dpkg -i /tmp/fake/*.deb >/dev/null && ${b.script.join(' && ')}`, { input: tar });
    expect(r.code, r.stderr).toBe(0);
    expect([...b.perRule.values()].flat().length).toBeGreaterThan(rules.length);
    const rows = await compare('every mapped rule broken');
    expectAgreement(rows);
    expect(rows.filter((x) => x.verdict === 'agree' && x.oscap === 'pass' && !/^.*(passwd-|shadow-)/.test(x.rule)).map((x) => x.rule)).toEqual([]);
    // A wrong mode does not hide a wrong owner: /etc/passwd shows both, in one plan.
    const plan = JSON.parse(org.plumb('plan', '--ref', 'main', '--json').stdout) as { hosts: Array<{ actions: Array<{ finding: string; also?: Array<{ finding: string }>; controls?: Array<{ rule: string }> }> }> };
    const findings = plan.hosts[0]!.actions.flatMap((a) => [a.finding, ...(a.also ?? []).map((x) => x.finding)]);
    expect(findings).toEqual(expect.arrayContaining(['file-mode:/etc/passwd', 'file-owner:/etc/passwd', 'sysctl-boot:fs.suid_dumpable', 'sysctl-boot:net.ipv4.conf.all.arp_filter', 'package-forbidden:telnetd']));
    expect(org.plumb('plan', '--ref', 'main').stdout).toMatch(/chmod \/etc\/passwd 0666 → <= 0644, chown \/etc\/passwd nobody:nogroup → root:root/);
    expect(plan.hosts[0]!.actions.find((a) => a.finding === 'package-forbidden:telnetd')!.controls).toEqual([expect.objectContaining({ rule: 'xccdf_org.ssgproject.content_rule_package_telnetd_removed' })]);
  }, 10 * 60_000);

  it.skipIf(!haveContent)('after plumb reconcile, oscap passes every rule plumb fixed, and still agrees on the rest', async () => {
    const r = org.plumb('reconcile', '--ref', 'main');
    expect([0, 2], `${r.stdout}\n${r.stderr}`).toContain(r.code);
    const rows = await compare('after plumb reconcile');
    expectAgreement(rows);
    const exceptedRules = new Set(imported.mapped.filter((m) => m.checks.some((c) => /^(package:(auditd|rsyslog|cron|ntp)|service:|sysctl:(fs|kernel)\.)/.test(c))).map((m) => m.rule.id));
    expect(rows.filter((x) => x.verdict === 'agree' && !exceptedRules.has(x.rule) && x.oscap !== 'pass').map((x) => `${x.rule}: ${x.oscap}`)).toEqual([]);
  }, 15 * 60_000);

  it.skipIf(!haveContent)('a setting in sshd_config.d: plumb and sshd -T agree, the content reads only sshd_config (a documented difference)', async () => {
    await onHost(lab(), claimed.host, "sed -i '/^PermitRootLogin /d' /etc/ssh/sshd_config && mkdir -p /etc/ssh/sshd_config.d && echo 'PermitRootLogin no' > /etc/ssh/sshd_config.d/10-oracle.conf");
    const rows = await compare('PermitRootLogin in sshd_config.d');
    expectAgreement(rows);
    expect(rows.find((x) => x.rule.endsWith('_rule_sshd_disable_root_login'))).toMatchObject({ plumb: 'pass', oscap: 'fail', verdict: 'explained' });
  }, 10 * 60_000);
});

function printTable(phase: string, rows: Row[]): void {
  const count = (v: Row['verdict']) => rows.filter((r) => r.verdict === v).length;
  const lines = [`\nSCAP oracle — ${phase}: ${count('agree')} agree, ${count('explained')} explained, ${count('disagree')} disagree (${count('unmapped')} unmapped)`];
  lines.push(`  ${'rule'.padEnd(48)} ${'plumb'.padEnd(13)} ${'oscap'.padEnd(13)} verdict`);
  for (const r of rows) lines.push(`  ${r.rule.replace('xccdf_org.ssgproject.content_rule_', '').padEnd(48)} ${r.plumb.padEnd(13)} ${r.oscap.padEnd(13)} ${r.verdict}${r.why && r.verdict !== 'unmapped' ? ` — ${r.why}` : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
