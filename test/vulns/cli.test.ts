import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VulnsReport } from '../../engine/cli/vulns/report.js';
import { Org } from '../support/org.js';

/**
 * plumb vulns, propose and inventory through the built CLI, without the lab: the one host is this machine over the
 * local transport, so its facts are real (real dpkg database, real os-release), and the advisories are written
 * against the versions really installed. The lab test (lab.test.ts) proves the whole loop on SSH hosts.
 */
const dpkg = (pkg: string) => execFileSync('dpkg-query', ['-W', '-f', '${source:Package} ${source:Version} ${Version}', pkg], { encoding: 'utf8' }).trim().split(' ') as [string, string, string];
const haveDebian = (() => {
  try {
    return /^ID=debian$/m.test(execFileSync('cat', ['/etc/os-release'], { encoding: 'utf8' })) && Boolean(dpkg('bash')[0]);
  } catch {
    return false;
  }
})();

describe.skipIf(!haveDebian)(`plumb vulns / propose / inventory, built CLI, this machine as the host${haveDebian ? '' : ' [skipped: not a Debian machine with dpkg]'}`, () => {
  let org: Org;
  let feed: string;
  let bash: { source: string; version: string };

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-vulns-cli-'));
    feed = join(dir, 'feed');
    mkdirSync(feed);
    writeFileSync(join(dir, 'lab.yaml'), 'hosts:\n  - { name: self, address: localhost, transport: local, system: intranet, baseline: debian-12-server, ring: pilot, location: "DC1 rack 1", property_number: IT-1, owner: Ops }\n');
    org = new Org(join(dir, 'lab.yaml'));
    const [source, version] = dpkg('bash');
    bash = { source, version };
    const osv = (id: string, name: string, fixed: string, aliases: string[]) => ({ id, modified: '2026-11-01T00:00:00Z', aliases, affected: [{ package: { ecosystem: 'Debian:12', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }] });
    writeFileSync(join(feed, 'DSA-9501-1.json'), JSON.stringify(osv('DSA-9501-1', source, `${version}+plumb1`, ['CVE-2099-9501'])));
    writeFileSync(join(feed, 'DSA-9502-1.json'), JSON.stringify(osv('DSA-9502-1', source, `${version}~`, ['CVE-2099-9502'])));
    expect(org.plumb('advisories', 'import', feed).code).toBe(0);
    org.commit('advisories');
  });
  afterAll(() => {
    org?.cleanup();
    if (feed) rmSync(join(feed, '..'), { recursive: true, force: true });
  });

  it('reports the vulnerable package of this machine, and only it; exit 2', () => {
    const r = org.plumb('vulns', '--json', '--no-mirror');
    expect(r.code, r.stderr).toBe(2);
    const report = JSON.parse(r.stdout) as VulnsReport;
    expect(report.mirrors).toBeNull();
    expect(report.hosts).toHaveLength(1);
    expect(report.hosts[0]!.entries.map((e) => [e.sourcePackage, e.advisories, e.sourceVersion, e.fixed, e.open, e.mirror.available])).toEqual([[bash.source, ['DSA-9501-1'], bash.version, `${bash.version}+plumb1`, true, null]]);
    const human = org.plumb('vulns', '--no-mirror', '--worklist');
    expect(human.stdout).toMatch(new RegExp(`CVE-2099-9501 \\+1  ${bash.source}: `));
    expect(human.stdout).toMatch(/^mirror: not consulted \(--no-mirror\)$/m);
    expect(human.stdout).toMatch(/^vulnerable: 1 open vulnerability on 1 of 1 host/m);
  });

  it('judges a facts snapshot the same way, without reaching the host', () => {
    const snap = join(org.dir, '.plumb-facts.json');
    expect(org.plumb('facts', '--all', '--out', snap).code).toBe(0);
    const r = org.plumb('vulns', '--json', '--no-mirror', '--facts', snap);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as VulnsReport).summary).toMatchObject({ open: 1, hosts: 1 });
    rmSync(snap);
  });

  it('refuses what it cannot stand behind, with a message and exit 1, never a stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    org.write('inventory/policy.yaml', `policy:\n  mirrors:\n    - { url: "http://127.0.0.1:${port}/", suites: [bookworm], platform: { os: debian }, keyring: inventory/keys/m.gpg }\n`);
    const keyless = org.plumb('vulns');
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/^plumb: error: refusing the mirror index http:\/\/127\.0\.0\.1:\d+\/: the keyring inventory\/keys\/m\.gpg named by policy\.mirrors does not exist$/m);
    org.write('inventory/keys/m.gpg', 'not really a key');
    const down = org.plumb('vulns');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^plumb: error: cannot read the mirror index http:\/\/127\.0\.0\.1:\d+\/dists\/bookworm\/InRelease: ECONNREFUSED$/m);
    expect(down.stderr).toMatch(/hint: .*--no-mirror/);
    org.write('inventory/policy.yaml', 'policy:\n  mirrors:\n    - { url: "ftp://mirror", suites: [bookworm], platform: { os: debian }, keyring: /etc/keys.gpg }\n');
    const invalid = org.plumb('vulns');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/inventory\/policy\.yaml:3:\d+: error: .*url/);
    expect(invalid.stderr).toMatch(/inventory\/policy\.yaml:3:\d+: error: .*keyring/);
    org.remove('inventory/policy.yaml').remove('inventory/keys/m.gpg');

    for (const [args, message] of [
      [['vulns', '--host', 'nope'], /no host named 'nope'/],
      [['vulns', '--facts', '/nonexistent/facts.json'], /cannot read the facts snapshot \/nonexistent\/facts\.json: no such file/],
      [['propose', '--branch', 'bad..name'], /'bad\.\.name' is not a usable branch name/],
      [['propose', '--author', 'nobody'], /--author must look like 'Name <email>'/],
      [['vulns', '--concurrency', '0'], /--concurrency must be a positive whole number/],
    ] as const) {
      const r = org.plumb(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
    // A damaged advisory file: its advisories cannot be matched, so the report is not the whole truth.
    org.write('advisories/osv/DSA-9503-1.json', '{ "id": ');
    const damaged = org.plumb('vulns', '--no-mirror');
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/advisories\/osv\/DSA-9503-1\.json:1:\d+: error/);
    org.remove('advisories/osv/DSA-9503-1.json');
  });

  it('proposes nothing without a signed mirror index, and says why (the branch, its validation and a second run are in lab.test.ts)', () => {
    const dry = org.plumb('propose', '--no-mirror', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^nothing to propose/);
    expect(dry.stdout).toMatch(new RegExp(`${bash.source} \\(debian 12\\): no signed mirror index serves debian 12`));
    const r = org.plumb('propose', '--no-mirror', '--branch', 'plumb/test-proposal', '--author', 'Dave Admin <dave@example.org>');
    expect(r.code, r.stderr).toBe(0);
    expect(org.git('branch', '--list', 'plumb/*')).toBe('');
    expect(org.git('status', '--porcelain')).toBe('');
  });

  it('lists the inventory of a system with its facts; what the program covers; what it does not', () => {
    const list = org.plumb('inventory', 'list', '--system', 'intranet');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^intranet {2}FIPS 199 impact moderate; owner Workplace IT/m);
    expect(list.stdout).toMatch(/^ {4}DC1 rack 1; property IT-1; owner Ops$/m);
    expect(list.stdout).toMatch(/^ {4}Debian GNU\/Linux 12 \(bookworm\), kernel \S+ \S+, \d+ packages/m);
    const bare = JSON.parse(org.plumb('inventory', 'list', '--no-gather', '--json').stdout) as Array<{ hosts: Array<{ facts?: unknown; propertyNumber: string }> }>;
    expect(bare[0]!.hosts[0]).toMatchObject({ propertyNumber: 'IT-1' });
    expect(bare[0]!.hosts[0]!.facts).toBeUndefined();
    expect(org.plumb('inventory', 'list', '--system', 'nope').stderr).toMatch(/no system named 'nope'/);
    expect(org.plumb('inventory', 'list', '--system', 'payroll').stdout).toMatch(/^payroll {2}FIPS 199 impact high(?:.*\n)+ {2}no hosts\n/m);

    const sup = JSON.parse(org.plumb('inventory', 'supported', '--json').stdout) as { platforms: Array<{ os: string; versions: string }>; advisoryPackages: Array<{ package: string }>; baselinePackages: Array<{ name: string }> };
    expect(sup.platforms).toEqual([{ os: 'debian', versions: '>= 12, < 13', baselines: ['debian-12-base', 'debian-12-server', 'debian-12-web'] }]);
    expect(sup.advisoryPackages.map((p) => p.package)).toEqual([bash.source]);
    expect(sup.baselinePackages.map((p) => p.name)).toContain('openssh-server');

    const un = org.plumb('inventory', 'unsupported', '--json');
    expect(un.code).toBe(2);
    const view = JSON.parse(un.stdout) as { packages: Array<{ source: string; hosts: number }>; installedSources: number };
    expect(view.packages.map((p) => p.source)).not.toContain(bash.source);
    expect(view.packages.length).toBeGreaterThan(10);
    expect(view.packages.length).toBeLessThan(view.installedSources);
  });

  it('every command explains itself with examples', () => {
    for (const args of [['vulns'], ['propose'], ['inventory', 'list'], ['inventory', 'supported'], ['inventory', 'unsupported']]) {
      const r = org.plumb(...args, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:\n {2}plumb /);
    }
  });
});
