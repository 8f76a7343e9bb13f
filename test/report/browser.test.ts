import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRepo } from '../metrics/fixture-repo.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`;
const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

interface Visit {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
}

/**
 * The report as people see it: `plumb report` (built CLI) on the fixture repository, opened from file:// in Debian's
 * real Chromium, headless, with a fresh profile, driven by playwright-core (which downloads no browser).
 */
(skip ? describe.skip : describe)(`plumb report in real headless Chromium${skip ? ` [skipped: ${skip}]` : ''}`, () => {
  let repo: FixtureRepo;
  let out: string;
  let scoped: string;
  let profile: string;
  let context: BrowserContext;

  beforeAll(async () => {
    repo = await FixtureRepo.create();
    out = join(repo.dir, 'report');
    scoped = join(repo.dir, 'report-intranet');
    for (const [dir, extra] of [[out, []], [scoped, ['--system', 'intranet']]] as const) {
      const r = repo.plumb('report', '--out', dir, '--facts', repo.facts, '--from', '2026-01-01', '--to', '2026-01-10T00:00:00Z', ...extra);
      expect(r.code, r.stderr).toBe(0);
    }
    profile = mkdtempSync(join(tmpdir(), 'plumb-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1300, height: 900 },
    });
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    repo?.cleanup();
  });

  async function visit(path: string): Promise<Visit> {
    const page = await context.newPage();
    const v: Visit = { page, consoleErrors: [], pageErrors: [], requests: [] };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') v.consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => v.pageErrors.push(e.message));
    page.on('request', (r) => v.requests.push(r.url()));
    await page.goto(`file://${path}`, { waitUntil: 'load' });
    return v;
  }

  async function shoot(v: Visit, name: string): Promise<string> {
    mkdirSync(SHOTS, { recursive: true });
    const file = join(SHOTS, name);
    await v.page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
    return file;
  }

  function clean(v: Visit) {
    expect(v.consoleErrors).toEqual([]);
    expect(v.pageErrors).toEqual([]);
    // Nothing leaves file://: no font, script, image or beacon from anywhere.
    expect(v.requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  }

  it('index.html: every chart renders with a real size and its marks; no error, no request off file://', async () => {
    const v = await visit(join(out, 'index.html'));
    clean(v);
    const charts = await v.page.$$eval('svg.chart', (list) => list.map((s) => ({ kind: s.getAttribute('class'), ...s.getBoundingClientRect().toJSON() })));
    expect(charts.length).toBe(1 + 3 * 3); // compliance; history, latency and rollout for two systems and the organization
    for (const c of charts) {
      expect(c.width, c.kind!).toBeGreaterThan(100);
      expect(c.height, c.kind!).toBeGreaterThan(40);
    }
    // The compliance bars are drawn to scale: payroll full, intranet empty.
    const bars = await v.page.$$eval('svg.chart-compliance rect.bar', (list) => list.map((r) => ({ value: r.getAttribute('data-value'), width: r.getBoundingClientRect().width })));
    expect(bars.map((b) => b.value)).toEqual(['0', '100']);
    expect(bars[1]!.width).toBeGreaterThan(200);
    expect(await v.page.locator('#system-payroll svg.chart-severity-history path.area.sev-critical').count()).toBe(1);
    expect(await v.page.locator('#system-payroll svg.chart-severity-history path.area.sev-high').count()).toBe(1);
    const latency = await v.page.$$eval('#system-payroll svg.chart-latency rect.bar.latency-noncritical', (list) => list.filter((r) => r.getBoundingClientRect().height > 1).length);
    expect(latency).toBe(2);
    const rings = await v.page.$$eval('#system-payroll svg.chart-rollout rect.progress.complete', (list) => list.map((r) => r.getBoundingClientRect().width));
    expect(rings).toHaveLength(4);
    for (const w of rings) expect(w).toBeGreaterThan(100);
    expect(await v.page.locator('#system-payroll .verdict.missed').first().textContent()).toBe('NOT met');
    expect(await v.page.locator('#costs').textContent()).toContain('15,833');
    await shoot(v, 'index.png');
  });

  it('a host page: findings, history and commits; links back to the index', async () => {
    const v = await visit(join(out, 'hosts', 'web-1.html'));
    clean(v);
    expect(await v.page.locator('h2').first().textContent()).toBe('web-1');
    expect(await v.page.locator('.run').count()).toBe(2);
    expect(await v.page.locator('table.commits tbody tr').count()).toBeGreaterThan(1);
    expect(await v.page.locator('table.commits').textContent()).toContain('PLB-1: openssl update for payroll');
    await v.page.click('text=← back to the report');
    expect(v.page.url()).toBe(`file://${join(out, 'index.html')}`);
    await shoot(v, 'host-web-1.png');
  });

  it('the one-system report, in the browser and on disk, names no other system or host', async () => {
    const v = await visit(join(scoped, 'index.html'));
    clean(v);
    const text = (await v.page.locator('body').textContent())!;
    expect(text).toContain('intranet');
    const files = ['index.html', ...readdirSync(join(scoped, 'hosts')).map((f) => join('hosts', f))];
    expect(files).toEqual(['index.html', 'hosts/wiki-1.html']);
    for (const f of files) {
      const html = readFileSync(join(scoped, f), 'utf8');
      for (const other of ['payroll', 'web-1', 'web-2', 'db-1', '10.0.0.']) expect(html, `${f} names ${other}`).not.toContain(other);
    }
    for (const other of ['payroll', 'web-1', 'db-1']) expect(text).not.toContain(other);
    await shoot(v, 'index-intranet.png');
  });
});
