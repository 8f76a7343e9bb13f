import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../engine/serve/auth.js';
import { FixtureRepo } from '../metrics/fixture-repo.js';
import { ServeProcess } from './server-process.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)`;
const TOKENS = { read: newToken(), intranet: newToken() };

/**
 * The live dashboard as people see it: plumb serve (built CLI) on loopback, opened in Debian's real headless Chromium
 * through playwright-core with the bearer token as a header — the report's pages, charts and CSP, served.
 */
(skip ? describe.skip : describe)(`plumb serve's dashboard in real headless Chromium${skip ? ` [skipped: ${skip}]` : ''}`, () => {
  let repo: FixtureRepo;
  let srv: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    repo = await FixtureRepo.create();
    const config = join(repo.dir, 'serve.yaml');
    writeFileSync(config, `tokens:\n  - { name: reader, sha256: ${hashToken(TOKENS.read)}, scopes: [read] }\n  - { name: intranet-owner, sha256: ${hashToken(TOKENS.intranet)}, scopes: ['read:system:intranet'] }\n`);
    srv = await ServeProcess.start(repo.dir, ['--config', config, '--facts', repo.facts]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.stop();
    repo?.cleanup();
  });

  async function visit(token: string, path: string): Promise<{ page: Page; errors: string[]; offsite: string[]; csp: string | undefined }> {
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` }, viewport: { width: 1300, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    const offsite: string[] = [];
    page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => !r.url().startsWith(srv.url) && offsite.push(r.url()));
    const res = await page.goto(`${srv.url}${path}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    return { page, errors, offsite, csp: res?.headers()['content-security-policy'] };
  }

  it('the index: every chart drawn with a real size, no console error, nothing fetched from elsewhere, the CSP header, live reload', async () => {
    const v = await visit(TOKENS.read, '/');
    expect(v.errors).toEqual([]);
    expect(v.offsite).toEqual([]);
    expect(v.csp).toContain("default-src 'none'");
    const charts = await v.page.$$eval('svg.chart', (list) => list.map((s) => s.getBoundingClientRect().toJSON() as DOMRect));
    expect(charts.length).toBe(1 + 3 * 3);
    for (const c of charts) expect(c.width).toBeGreaterThan(100);
    expect(await v.page.locator('#system-payroll svg.chart-severity-history path.area.sev-critical').count()).toBe(1);
    expect(await v.page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('60');
    // A host link leads to the served host page.
    await v.page.click('a[href="hosts/web-1.html"]');
    expect(v.page.url()).toBe(`${srv.url}/hosts/web-1.html`);
    expect(await v.page.locator('h2').first().textContent()).toBe('web-1');
    expect(v.errors).toEqual([]);
  });

  it('a token for one system: its dashboard only, nothing of the others on the page', async () => {
    const v = await visit(TOKENS.intranet, '/');
    expect(v.errors).toEqual([]);
    const text = (await v.page.locator('body').textContent())!;
    expect(text).toContain('intranet');
    for (const other of ['payroll', 'web-1', 'web-2', 'db-1', '10.0.0.']) expect(await v.page.content(), other).not.toContain(other);
    expect(await v.page.locator('svg.chart').count()).toBe(1 + 3); // compliance; the system's three
    const denied = await v.page.goto(`${srv.url}/hosts/web-1.html`);
    expect(denied?.status()).toBe(404);
    expect(await v.page.content()).not.toContain('payroll');
  });
});
