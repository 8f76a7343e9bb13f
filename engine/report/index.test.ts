import { describe, expect, it } from 'vitest';
import { fixtureInput, fixtureModel, FILES, GIT } from '../metrics/fixtures.test-helper.js';
import { renderReport } from './index.js';
import { esc } from './charts/svg.js';

describe('the HTML report', () => {
  const { files, metrics } = renderReport(fixtureInput());
  const index = files.get('index.html')!;

  it('writes an index and one page per host, self-contained and relatively linked', () => {
    expect([...files.keys()].sort()).toEqual(['hosts/db-1.html', 'hosts/web-1.html', 'hosts/web-2.html', 'hosts/wiki-1.html', 'index.html']);
    for (const [path, html] of files) {
      expect(html, path).toMatch(/^<!doctype html>/);
      expect(html, path).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`);
      // Nothing is fetched: no src/href to anything but our own pages and anchors (the SVG namespace is a name, not a request).
      const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
      for (const u of urls) expect(u, path).toMatch(/^(#[\w-]+|hosts\/[\w.-]+\.html|\.\.\/index\.html)$/);
      expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, ''), path).not.toMatch(/https?:\/\//);
    }
    expect(index).toContain('href="hosts/web-1.html"');
    expect(files.get('hosts/web-1.html')).toContain('href="../index.html"');
  });

  it('draws the charts people would rather look at than read', () => {
    for (const kind of ['compliance', 'severity-history', 'latency', 'rollout']) expect(index).toContain(`class="chart chart-${kind}"`);
    expect(index.match(/<svg class="chart chart-severity-history"/g)).toHaveLength(3); // two systems and the organization
    expect(index).toMatch(/<rect [^>]*class="bar compliance-good" data-value="100"/);
    expect(index).toMatch(/<path class="area sev-critical"/);
    // The second chart is payroll's (systems in name order). PLB-1: web-1 verified 1 day after the group knew (bin 1–2d), web-2 after 2d 6h (bin 2–7d).
    expect([...index.matchAll(/class="bar latency-noncritical" data-value="(\d+)"/g)].map((m) => m[1]).slice(7, 14)).toEqual(['0', '0', '0', '1', '1', '0', '0']);
    expect(index).toContain('1/1 verified, 1 excepted');
  });

  it('shows every metric by maturity level, with targets and what was left out', () => {
    expect(index).toContain('Maturity level 3');
    expect(index).toContain('Maturity level 4');
    expect(index).toContain('Patch response time (non-critical patches)');
    expect(index).toContain('EXC-1');
    expect(metrics.systems).toHaveLength(2);
  });

  it('a host page: its findings, history, and the commits behind them', () => {
    const web1 = files.get('hosts/web-1.html')!;
    expect(web1).toContain('20260102T050000Z-aaaaaa');
    expect(web1).toContain('package-install');
    expect(web1).toContain('remediations/PLB-1.yaml:2@111111111111');
    expect(web1).toContain('PLB-1: openssl for payroll'); // the commit's subject
    expect(web1).toContain('443/tcp');
    const wiki = files.get('hosts/wiki-1.html')!;
    expect(wiki).toContain('package-vulnerable:bash');
    expect(wiki).toContain('remediations/PLB-2.yaml');
  });

  it('escapes everything that comes from YAML, git or the hosts', () => {
    const evil = '<script>alert(1)</script>';
    const model = fixtureModel({ 'remediations/PLB-2.yaml': FILES['remediations/PLB-2.yaml']!.replace('title: Bash update', `title: "${evil}"`) });
    const { files: f } = renderReport(fixtureInput({ model, git: { ...GIT, commits: { [Object.keys(GIT.commits)[0]!]: { ...Object.values(GIT.commits)[0]!, subject: `"><img src=x onerror=alert(1)>` } } } }));
    for (const [path, html] of f) {
      expect(html, path).not.toContain('<script>');
      expect(html, path).not.toContain('<img');
    }
    expect(f.get('index.html')).toContain(esc(evil));
  });

  it('for one system, says nothing about the others', () => {
    const { files: f } = renderReport(fixtureInput(), { system: 'intranet' });
    expect([...f.keys()].sort()).toEqual(['hosts/wiki-1.html', 'index.html']);
    // The fixture's one commit names payroll in its subject; it is behind wiki-1's change too, and shown redacted.
    for (const [path, html] of f) for (const other of ['payroll', 'web-1', 'web-2', 'db-1', '10.0.0.', 'EXC-1', 'PLB-3']) expect(html, `${path} mentions ${other}`).not.toContain(other);
    expect(f.get('hosts/wiki-1.html')).toContain('PLB-1: openssl for [other system]');
    expect(f.get('index.html')).not.toContain('Costs');
  });
});
