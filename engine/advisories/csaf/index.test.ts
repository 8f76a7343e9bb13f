import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, officialCsaf, sample, sampleJson } from '../../../test/advisories/official.js';
import { ingest } from '../ingest.js';
import { csaf } from './index.js';
import { parseNevra } from './products.js';

const NOW = '2026-01-01T00:00:00Z';
const run = (value: unknown) => ingest('vex.json', new TextEncoder().encode(JSON.stringify(value, null, 2)), { now: NOW });

describe.skipIf(!HAVE_SHARED)('CSAF importer on the real samples in ../shared/data', () => {
  it('the official schema (with its CVSS schemas) and plumb agree that both samples are valid', () => {
    const official = officialCsaf();
    for (const f of ['csaf/rhsa-2022_0011.json', 'csaf/bsi-2022-0001.json']) {
      expect(official(sampleJson(f)), f).toBe(true);
      expect(ingest(f, sample(f), { now: NOW }).problems.filter((p) => p.severity === 'error'), f).toEqual([]);
    }
  });

  it('RHSA-2022:0011: RPMs under architecture branches, release and stream from the OS CPE, Important → high', () => {
    const r = ingest('rhsa.json', sample('csaf/rhsa-2022_0011.json'), { now: NOW });
    expect(r.format).toBe('csaf');
    const a = r.advisories[0]!;
    expect(a).toMatchObject({ id: 'RHSA-2022:0011', source: 'csaf', aliases: ['CVE-2020-10188'], severity: 'high', modified: '2022-01-04T08:38:00Z', published: '2022-01-04T08:38:00Z' });
    const binaries = a.affected.filter((x) => x.packageKind === 'binary' && x.ecosystem.variant === 'aus').map((x) => x.package).sort();
    expect(binaries).toEqual(['telnet', 'telnet-debuginfo', 'telnet-server']);
    expect(a.affected.every((x) => x.status === 'fixed' && x.fixed === '1:0.17-65.el7_6' && x.ecosystem.os === 'rhel' && x.ecosystem.release === '7.6' && x.scheme === 'rpm')).toBe(true);
    expect(new Set(a.affected.map((x) => x.ecosystem.variant))).toEqual(new Set(['aus', 'e4s', 'tus']));
    // x86_64 and ppc64le state the same fact once.
    expect(a.affected.filter((x) => x.ecosystem.variant === 'e4s' && x.package === 'telnet-server')).toHaveLength(1);
  });

  it('BSI-2022-0001: an application product (CPE only) cannot be matched; the advisory is kept with its CVSS and a warning', () => {
    const r = ingest('bsi.json', sample('csaf/bsi-2022-0001.json'), { now: NOW });
    expect(r.advisories[0]).toMatchObject({ id: 'BSI-2022-0001', aliases: ['CVE-2022-27193'], severity: 'medium', affected: [], cvss: [{ version: '3.1', score: 6.1, ids: ['CVE-2022-27193'] }] });
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'warning', code: 'unmapped-products', pointer: '/product_tree' })]);
  });
});

const product = (id: string, purl: string) => ({ category: 'product_version', name: id, product: { name: id, product_id: id, product_identification_helper: { purl } } });
const vex = {
  document: {
    category: 'csaf_vex',
    csaf_version: '2.0',
    publisher: { category: 'vendor', name: 'Example', namespace: 'https://example.org' },
    title: 'VEX for openssl and curl',
    tracking: { id: 'EX-VEX-2024-0001', current_release_date: '2024-05-02T00:00:00Z', initial_release_date: '2024-05-01T00:00:00Z', revision_history: [{ date: '2024-05-01T00:00:00Z', number: '1', summary: 'x' }], status: 'final', version: '1' },
  },
  product_tree: {
    branches: [
      {
        category: 'vendor',
        name: 'Debian',
        branches: [
          product('openssl-fixed', 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=source&distro=debian-12'),
          product('openssl-old', 'pkg:deb/debian/openssl@3.0.9-1?arch=source&distro=debian-12'),
          product('curl-any', 'pkg:deb/debian/curl?arch=source&distro=bookworm'),
          product('libcurl4', 'pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12'),
          product('zlib-any', 'pkg:deb/debian/zlib?arch=source&distro=debian-12'),
          product('npm-thing', 'pkg:npm/left-pad@1.0.0'),
        ],
      },
    ],
  },
  vulnerabilities: [
    { cve: 'CVE-2024-1000', product_status: { fixed: ['openssl-fixed'], known_affected: ['openssl-old'] }, scores: [{ cvss_v3: { version: '3.1', vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', baseScore: 9.8 }, products: ['openssl-old'] }] },
    { cve: 'CVE-2024-2000', product_status: { known_not_affected: ['curl-any', 'libcurl4'], under_investigation: ['zlib-any'], known_affected: ['npm-thing'] }, threats: [{ category: 'impact', details: 'Low' }] },
  ],
};

describe('CSAF importer on a constructed VEX document', () => {
  it('maps purls with distro qualifiers, keeps not-affected and under-investigation statements, names the CVE of each entry', () => {
    const r = run(vex);
    const a = r.advisories[0]!;
    expect(a).toMatchObject({ id: 'EX-VEX-2024-0001', aliases: ['CVE-2024-1000', 'CVE-2024-2000'], severity: 'critical' });
    expect(a.affected).toEqual([
      { ecosystem: { os: 'debian', release: '12', raw: 'debian-12' }, package: 'openssl', packageKind: 'source', scheme: 'deb', status: 'affected', fixed: '3.0.11-1~deb12u2', ranges: [{ fixed: '3.0.11-1~deb12u2' }], versions: ['3.0.9-1'], ids: ['CVE-2024-1000'] },
      { ecosystem: { os: 'debian', release: '12', raw: 'bookworm' }, package: 'curl', packageKind: 'source', scheme: 'deb', status: 'not-affected', ids: ['CVE-2024-2000'] },
      { ecosystem: { os: 'debian', release: '12', raw: 'debian-12' }, package: 'libcurl4', packageKind: 'binary', scheme: 'deb', status: 'not-affected', versions: ['7.88.1-10+deb12u5'], ids: ['CVE-2024-2000'] },
      { ecosystem: { os: 'debian', release: '12', raw: 'debian-12' }, package: 'zlib', packageKind: 'source', scheme: 'deb', status: 'under-investigation', ids: ['CVE-2024-2000'] },
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'unmapped-products', severity: 'warning' })]);
  });

  it('a malformed vulnerability costs only itself', () => {
    const doc = structuredClone(vex) as Omit<typeof vex, 'vulnerabilities'> & { vulnerabilities: unknown[] };
    doc.vulnerabilities[1] = { cve: 'CVE-NOPE', product_status: { fixed: 'openssl-fixed' } };
    const r = run(doc);
    expect(r.advisories).toHaveLength(1);
    expect(r.advisories[0]!.aliases).toEqual(['CVE-2024-1000']);
    expect(r.problems.filter((p) => p.severity === 'error').map((p) => p.pointer).sort()).toEqual(['/vulnerabilities/1/cve', '/vulnerabilities/1/product_status/fixed']);
  });

  it('a malformed document header costs the document, with located errors', () => {
    const doc = structuredClone(vex);
    (doc.document.tracking as Record<string, unknown>).current_release_date = 'May 2nd';
    delete (doc.document as Record<string, unknown>).title;
    const r = run(doc);
    expect(r.advisories).toEqual([]);
    expect(r.problems.map((p) => [p.pointer, p.message])).toEqual([
      ['/document', "'document' is missing required field 'title'"],
      ['/document/tracking/current_release_date', "'current_release_date' is not valid"],
    ]);
    expect(r.problems[1]!.line).toBe(JSON.stringify(doc, null, 2).split('\n').findIndex((l) => l.includes('May 2nd')) + 1);
  });

  it.skipIf(!HAVE_SHARED)('what plumb refuses, the official schema refuses too', () => {
    const official = officialCsaf();
    const bad = structuredClone(vex);
    (bad.document as Record<string, unknown>).csaf_version = '1.2';
    expect(official(bad)).toBe(false);
    expect(run(bad).problems.some((p) => p.pointer === '/document/csaf_version')).toBe(true);
  });

  it('reads RPM NEVRAs', () => {
    expect(parseNevra('telnet-server-1:0.17-65.el7_6.x86_64')).toEqual({ name: 'telnet-server', version: '1:0.17-65.el7_6', arch: 'x86_64' });
    expect(parseNevra('python3-requests-2.20.0-3.el8_8.noarch')).toEqual({ name: 'python3-requests', version: '2.20.0-3.el8_8', arch: 'noarch' });
    expect(parseNevra('Red Hat Enterprise Linux')).toBeUndefined();
  });

  it('detects CSAF only', () => {
    expect(csaf.detect(vex)).toBe(true);
    expect(csaf.detect({ id: 'x', modified: 'y' })).toBe(false);
  });
});
