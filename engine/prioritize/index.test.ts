import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Vulnerability } from '../advisories/match.js';
import type { HostEntry, SystemEntry } from '../model/types.js';
import { loadRepository, loadSnapshot } from '../model/load.js';
import { DEFAULT_POLICY, loadKev, loadKevAt, parseDuration, parseKev, policyOf, prioritize, resolvePolicy, type KevCatalog } from './index.js';

const src = { file: 'inventory/x.yaml', line: 1, col: 1, pointer: '', commit: null };
const system = (name: string, impact: 'low' | 'moderate' | 'high'): SystemEntry => ({ name, impact, owner: 'o', source: src });
const host = (name: string, sys: string, over: Partial<HostEntry> = {}): HostEntry => ({ name, address: '10.0.0.1', system: sys, baseline: 'b', ring: 'r', source: src, ...over });
const model = {
  systems: new Map([['payroll', system('payroll', 'high')], ['intranet', system('intranet', 'moderate')]]),
  hosts: new Map([
    ['web', host('web', 'payroll', { tags: ['internet-facing'], criticality: 'high' })],
    ['db', host('db', 'payroll', { criticality: 'critical' })],
    ['wiki', host('wiki', 'intranet', { criticality: 'medium' })],
  ]),
};
const vuln = (over: Partial<Vulnerability>): Vulnerability => ({
  advisoryId: 'DSA-1',
  source: 'osv',
  aliases: ['CVE-2024-1000'],
  package: 'libssl3',
  installedVersion: '3.0.11-1~deb12u1',
  sourcePackage: 'openssl',
  sourceVersion: '3.0.11-1~deb12u1',
  matchedOn: 'source',
  ecosystem: { os: 'debian', release: '12', raw: 'Debian:12' },
  fixed: '3.0.11-1~deb12u2',
  status: 'affected',
  severity: 'high',
  knew: '2024-05-01T00:00:00.000Z',
  ...over,
});
const kevJson = (entries: object[]) => new TextEncoder().encode(JSON.stringify({ title: 'CISA Catalog of Known Exploited Vulnerabilities', catalogVersion: '2024.05.01', dateReleased: '2024-05-01T15:00:00.000Z', count: entries.length, vulnerabilities: entries }, null, 2));
const NOW = new Date('2024-05-03T00:00:00Z');

describe('prioritize', () => {
  it('scores from severity, FIPS 199 impact, criticality, exposure and the exploit assumption, with a reason for every point', () => {
    const list = prioritize({ matches: [{ host: 'web', vulnerabilities: [vuln({})] }], model, policy: DEFAULT_POLICY, now: NOW });
    const item = list.items[0]!;
    expect(item.reasons).toEqual([
      { factor: 'severity', points: 7, detail: 'severity high' },
      { factor: 'impact', points: 4, detail: 'system payroll has FIPS 199 impact high' },
      { factor: 'criticality', points: 3, detail: 'host criticality high' },
      { factor: 'exposure', points: 4, detail: 'host is tagged internet-facing' },
      { factor: 'exploit-assumed', points: 3, detail: 'a patch exists, so an exploit is assumed to exist (SP 800-40 2.4)' },
    ]);
    expect(item).toMatchObject({ score: 21, tier: 'high', knew: '2024-05-01T00:00:00.000Z', deadline: '2024-05-08T00:00:00.000Z', deadlineFrom: 'tier', overdue: false, fixAvailable: true, system: 'payroll' });
  });

  it('orders by tier, then deadline; known exploitation (KEV) lifts an item and its due date can shorten the deadline', () => {
    const kev = parseKev('kev.json', kevJson([{ cveID: 'CVE-2024-3094', vendorProject: 'XZ', product: 'xz', vulnerabilityName: 'backdoor', dateAdded: '2024-04-01', dueDate: '2024-05-04', knownRansomwareCampaignUse: 'Known' }]));
    expect(kev.problems).toEqual([]);
    const list = prioritize({
      matches: [
        { host: 'wiki', vulnerabilities: [vuln({ advisoryId: 'DSA-2', aliases: ['CVE-2024-3094'], package: 'liblzma5', sourcePackage: 'xz-utils', severity: 'critical' })] },
        { host: 'web', vulnerabilities: [vuln({ severity: 'critical', cvssScore: 9.8 })] },
        { host: 'db', vulnerabilities: [vuln({ advisoryId: 'DSA-3', aliases: ['CVE-2024-2000'], severity: 'low', fixed: undefined })] },
      ],
      model,
      policy: DEFAULT_POLICY,
      kev: kev.catalog,
      now: NOW,
    });
    expect(list.items.map((i) => [i.host, i.vulnerability, i.score, i.tier])).toEqual([
      ['wiki', 'CVE-2024-3094', 10 + 2 + 1 + 10 + 3, 'emergency'],
      ['web', 'CVE-2024-1000', 10 + 4 + 3 + 4 + 3, 'high'],
      ['db', 'CVE-2024-2000', 1 + 4 + 4, 'normal'],
    ]);
    expect(list.items[0]).toMatchObject({ knownExploited: { cve: 'CVE-2024-3094', ransomware: true, dueDate: '2024-05-04' }, deadline: '2024-05-03T00:00:00.000Z', deadlineFrom: 'tier' });
    expect(list.items[0]!.reasons.map((r) => r.factor)).toEqual(['severity', 'impact', 'criticality', 'known-exploited', 'ransomware']);
    expect(list.byTier).toEqual({ emergency: 1, high: 1, normal: 1, low: 0 });

    // A later knew date: the tier's 2 days would pass the catalog's due date, which wins.
    const late = prioritize({ matches: [{ host: 'wiki', vulnerabilities: [vuln({ aliases: ['CVE-2024-3094'], severity: 'critical', knew: '2024-05-04T12:00:00.000Z' })] }], model, policy: DEFAULT_POLICY, kev: kev.catalog, now: NOW });
    expect(late.items[0]).toMatchObject({ deadline: '2024-05-04T23:59:59.000Z', deadlineFrom: 'kev-due-date' });
  });

  it('one item per host and vulnerability: a DSA and the tracker entries of its CVEs are grouped, packages listed once with the highest fix', () => {
    const list = prioritize({
      matches: [
        {
          host: 'db',
          vulnerabilities: [
            vuln({ advisoryId: 'DSA-5', aliases: ['CVE-2024-1000', 'CVE-2024-1001'], fixed: '3.0.11-1~deb12u2' }),
            vuln({ advisoryId: 'CVE-2024-1001', source: 'debian-tracker', aliases: [], fixed: '3.0.11-1~deb12u3', severity: 'critical' }),
            vuln({ advisoryId: 'DSA-5', package: 'openssl', aliases: ['CVE-2024-1000', 'CVE-2024-1001'] }),
            vuln({ advisoryId: 'DSA-6', aliases: ['CVE-2024-7777'], package: 'curl', sourcePackage: 'curl' }),
          ],
        },
      ],
      model,
      policy: DEFAULT_POLICY,
      now: NOW,
    });
    expect(list.items).toHaveLength(2);
    const ssl = list.items.find((i) => i.advisories.includes('DSA-5'))!;
    expect(ssl).toMatchObject({ vulnerability: 'CVE-2024-1000', ids: ['CVE-2024-1000', 'CVE-2024-1001'], advisories: ['CVE-2024-1001', 'DSA-5'], severity: 'critical' });
    expect(ssl.packages.map((p) => [p.name, p.fixed])).toEqual([
      ['libssl3', '3.0.11-1~deb12u3'],
      ['openssl', '3.0.11-1~deb12u2'],
    ]);
  });

  it('VEX-suppressed matches stay out of the list and are counted; overdue items are flagged', () => {
    const list = prioritize({ matches: [{ host: 'wiki', vulnerabilities: [vuln({ status: 'not-affected', suppressedBy: 'VEX-1' }), vuln({ advisoryId: 'DSA-9', aliases: ['CVE-2024-9999'], severity: 'negligible', knew: '2023-01-01T00:00:00.000Z' })] }], model, policy: DEFAULT_POLICY, now: NOW });
    expect(list.suppressed).toBe(1);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ tier: 'low', overdue: true, deadline: '2023-04-01T00:00:00.000Z' });
  });

  it('hosts missing from the inventory are still listed, scored on the vulnerability alone', () => {
    const list = prioritize({ matches: [{ host: 'stray', vulnerabilities: [vuln({ fixed: undefined, status: 'under-investigation' })] }], model, policy: DEFAULT_POLICY, now: NOW });
    expect(list.items[0]).toMatchObject({ host: 'stray', score: 7, status: 'under-investigation', fixAvailable: false });
    expect(list.items[0]!.system).toBeUndefined();
  });
});

describe('policy', () => {
  it('fills in defaults and sorts tiers by min_score', () => {
    const p = resolvePolicy({ weights: { severity: { critical: 20 }, internet_facing: 1 }, tiers: [{ name: 'later', min_score: 0, deadline: '60d' }, { name: 'now', min_score: 30, deadline: '1d12h' }], kev_catalog: 'kev.json' });
    expect(p.weights.severity).toMatchObject({ critical: 20, high: 7 });
    expect(p.weights.internetFacing).toBe(1);
    expect(p.tiers.map((t) => [t.name, t.deadlineSeconds])).toEqual([['now', 129600], ['later', 5184000]]);
    expect(p.kevCatalog).toBe('kev.json');
    expect(resolvePolicy(undefined)).toEqual(DEFAULT_POLICY);
    expect([parseDuration('2d'), parseDuration('1w'), parseDuration(90), parseDuration('0')]).toEqual([172800, 604800, 90, 0]);
  });

  const snap = (files: Record<string, string>) => ({ commit: null, files: Object.entries(files).map(([path, text]) => ({ path, bytes: new TextEncoder().encode(text) })) });

  it('reads the inventory policy through the model, located; a second declaration or a schema error is a located problem', () => {
    const load = (files: Record<string, string>) => loadSnapshot(snap(files), { now: new Date('2026-01-01T00:00:00Z') });
    const ok = load({ 'inventory/hosts.yaml': 'hosts: []\n', 'inventory/policy.yaml': 'policy:\n  weights:\n    known_exploited: 20\n' });
    expect(ok.problems).toEqual([]);
    expect(policyOf(ok.model).weights.knownExploited).toBe(20);
    expect(ok.model.policy?.source).toMatchObject({ file: 'inventory/policy.yaml', line: 1 });
    const twice = load({ 'inventory/a.yaml': 'policy: {}\n', 'inventory/b.yaml': 'policy: {}\n' });
    expect(twice.problems.map((p) => [p.code, p.file])).toEqual([
      ['duplicate-section', 'inventory/a.yaml'],
      ['duplicate-section', 'inventory/b.yaml'],
    ]);
    const bad = load({ 'inventory/p.yaml': 'policy:\n  tiers:\n    - { name: x, min_score: -1, deadline: soon }\n  kev_catalog: /etc/passwd.json\n' });
    expect(bad.problems.map((p) => [p.pointer, p.line]).sort()).toEqual([
      ['/policy/kev_catalog', 4],
      ['/policy/tiers/0/deadline', 3],
      ['/policy/tiers/0/min_score', 3],
    ]);
    expect(bad.model.policy).toBeUndefined();
    expect(policyOf(load({ 'inventory/h.yaml': 'hosts: []\n' }).model)).toEqual(DEFAULT_POLICY);
  });
});

describe('known-exploited catalog', () => {
  it('reads the CISA KEV format; malformed entries are located and skipped', () => {
    const bytes = kevJson([
      { cveID: 'CVE-2023-4863', vendorProject: 'Google', product: 'Chromium WebP', dateAdded: '2023-09-13', dueDate: '2023-10-04', knownRansomwareCampaignUse: 'Unknown' },
      { cveID: 'not-a-cve', dateAdded: '2023-09-13' },
      { cveID: 'CVE-2024-3094', dateAdded: 'yesterday' },
    ]);
    const r = parseKev('kev.json', bytes);
    const lines = new TextDecoder().decode(bytes).split('\n');
    const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
    const catalog = r.catalog as KevCatalog;
    expect([...catalog.entries.keys()]).toEqual(['CVE-2023-4863']);
    expect(catalog.entries.get('CVE-2023-4863')).toMatchObject({ ransomware: false, dueDate: '2023-10-04' });
    expect(r.problems.map((p) => [p.pointer, p.line])).toEqual([
      ['/vulnerabilities/1/cveID', lineOf('not-a-cve')],
      ['/vulnerabilities/2/dateAdded', lineOf('yesterday')],
    ]);
  });

  it('a file that is not a catalog gives no catalog', () => {
    expect(parseKev('kev.json', new TextEncoder().encode('{"vulns": []}')).catalog).toBeUndefined();
    expect(parseKev('kev.json', new TextEncoder().encode('{')).catalog).toBeUndefined();
  });
});

describe('reading the policy and the catalog from a repository', () => {
  it("the example organization's inventory/policy.yaml writes out exactly the defaults", async () => {
    const { model } = await loadRepository(fileURLToPath(new URL('../..', import.meta.url)));
    expect(policyOf(model)).toEqual(DEFAULT_POLICY);
    expect(model.policy?.source).toMatchObject({ file: 'inventory/policy.yaml' });
  });

  it('loads the catalog the policy names, from the working tree or a commit; a missing or broken one is E_KEV_CATALOG', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumb-kev-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', root, '-c', 'user.name=T', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8' }).trim();
    try {
      mkdirSync(join(root, 'inventory'));
      mkdirSync(join(root, 'advisories/kev'), { recursive: true });
      writeFileSync(join(root, 'inventory/policy.yaml'), 'policy:\n  kev_catalog: advisories/kev/kev.json\n');
      const policy = policyOf((await loadRepository(root)).model);
      await expect(loadKev(root, policy.kevCatalog!)).rejects.toMatchObject({ code: 'E_KEV_CATALOG' });
      writeFileSync(join(root, 'advisories/kev/kev.json'), '{"title": "x"}');
      await expect(loadKev(root, policy.kevCatalog!)).rejects.toMatchObject({ code: 'E_KEV_CATALOG' });
      writeFileSync(join(root, 'advisories/kev/kev.json'), kevJson([{ cveID: 'CVE-2024-3094', dateAdded: '2024-04-01' }]));
      expect([...(await loadKev(root, policy.kevCatalog!)).catalog.entries.keys()]).toEqual(['CVE-2024-3094']);
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-q', '-m', 'catalog');
      const commit = git('rev-parse', 'HEAD');
      writeFileSync(join(root, 'advisories/kev/kev.json'), kevJson([{ cveID: 'CVE-2021-44228', dateAdded: '2021-12-10' }]));
      expect([...(await loadKevAt(root, commit, policy.kevCatalog!)).catalog.entries.keys()]).toEqual(['CVE-2024-3094']);
      expect([...(await loadKevAt(root, null, policy.kevCatalog!)).catalog.entries.keys()]).toEqual(['CVE-2021-44228']);
      await expect(loadKevAt(root, commit, 'advisories/kev/other.json')).rejects.toMatchObject({ code: 'E_KEV_CATALOG' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
