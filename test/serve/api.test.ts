import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../engine/serve/auth.js';
import { FixtureRepo } from '../metrics/fixture-repo.js';
import { ServeProcess } from './server-process.js';

const TOKENS = { read: newToken(), admission: newToken(), intranet: newToken(), expired: newToken(), payroll: newToken() };
const NOT_FOUND = '{"error":"not found"}';
const HOSTILE = '0\u001b]52;c;ZXZpbA==\u0007<img src=x onerror=alert(1)>\u009b2J\u2028';
const UNAUTHORIZED = '{"error":"unauthorized"}';
/** Names a token for intranet must never see, in any body. */
const PAYROLL = ['payroll', 'web-1', 'web-2', 'db-1', '10.0.0.', '52:54:00:00:00:01', 'EXC-1', 'webshell'];

/**
 * The built `plumb serve` on loopback, serving the metrics fixture as a real repository (git history, ledger,
 * advisory store, facts snapshot), with every kind of token. The desired state adds an admission policy, MACs,
 * a compromised host and a deadline that passed, so each verdict has a reason to check.
 */
describe('plumb serve: the API on loopback', () => {
  let repo: FixtureRepo;
  let srv: ServeProcess;
  const get = (path: string, token?: keyof typeof TOKENS) => srv.raw(path, { token: token && TOKENS[token] });

  beforeAll(async () => {
    repo = await FixtureRepo.create();
    const org = join(repo.dir, 'inventory/org.yaml');
    writeFileSync(org, readFileSync(org, 'utf8').replace('{ name: web-1, address: 10.0.0.1,', "{ name: web-1, address: 10.0.0.1, mac_addresses: ['52:54:00:00:00:01'],").replace('{ name: db-1, address: 10.0.0.3,', "{ name: db-1, address: 10.0.0.3, compromised: { since: 2026-01-09, reason: webshell found, ticket: INC-7 },").replace('{ name: wiki-1, address: 10.0.1.1,', "{ name: wiki-1, address: 10.0.1.1, mac_addresses: ['52-54-00-00-01-01'],"));
    writeFileSync(join(repo.dir, 'inventory/admission.yaml'), 'admission:\n  facts_max_age: 520w\n  noncompliant: quarantine\n');
    // web-1's open critical CVE-2026-0003 (its advisory deadline passed long ago) is deferred: web-1 is the compliant host.
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(join(repo.dir, 'remediations/exceptions/EXC-2.yaml'), `id: EXC-2\nhost: web-1\nfinding: vulnerability:CVE-2026-0003\nkind: deferral\nreason: the load balancer closes idle handshakes\napprover: bob\nexpires: ${expires}\n`);
    const plb2 = join(repo.dir, 'remediations/PLB-2.yaml');
    writeFileSync(plb2, `${readFileSync(plb2, 'utf8')}deadline: 2026-02-01\n`);
    execFileSync('git', ['-C', repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'admission policy, MACs, db-1 compromised, PLB-2 due']);
    execFileSync('git', ['-C', repo.dir, 'add', 'inventory/admission.yaml', 'remediations/exceptions/EXC-2.yaml']);
    execFileSync('git', ['-C', repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'admission policy']);
    // What web-1 reports about itself is hostile: a terminal escape (OSC 52 clipboard write, CSI) and HTML.
    const snap = JSON.parse(readFileSync(repo.facts, 'utf8'));
    snap.hosts['web-1'].settings['/etc/ssh/sshd_config'].LoginGraceTime = HOSTILE;
    snap.hosts['web-1'].listening[1].process = HOSTILE;
    snap.hosts['web-1'].kernel = HOSTILE;
    writeFileSync(repo.facts, JSON.stringify(snap));
    const entry = (name: string, scopes: string[], extra = '') => `  - { name: ${name}, sha256: ${hashToken(TOKENS[name as keyof typeof TOKENS])}, scopes: [${scopes.join(', ')}]${extra} }`;
    const config = join(repo.dir, 'serve.yaml');
    writeFileSync(config, ['tokens:', entry('read', ['read']), entry('admission', ['admission']), entry('intranet', ['read:system:intranet']), entry('payroll', ['read:system:payroll']), entry('expired', ['read'], ', expires: 2020-01-01'), 'limits: { request_timeout: 2s, max_header_bytes: 4096 }', 'refresh: 1s', ''].join('\n'));
    srv = await ServeProcess.start(repo.dir, ['--config', config, '--facts', repo.facts]);
  }, 180_000);
  afterAll(async () => {
    if (process.env.PLUMB_SERVE_LOG) console.log(srv?.log());
    expect(await srv?.stop()).toBe(0);
    repo?.cleanup();
  });

  it('probes answer without a token and say nothing else', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
  });

  it('verdicts: admit, quarantine for an overdue critical vulnerability, deny for a compromised host — by name, address or MAC', async () => {
    const web1 = await get('/v1/admission/52-54-00-00-00-01', 'admission');
    expect(web1.status).toBe(200);
    expect(JSON.parse(web1.body)).toMatchObject({ host: 'web-1', verdict: 'admit', reasons: [] });
    const wiki = JSON.parse((await get('/v1/admission/10.0.1.1', 'admission')).body);
    expect(wiki).toMatchObject({ host: 'wiki-1', verdict: 'quarantine' });
    expect(wiki.reasons.map((r: { rule: string }) => r.rule)).toContain('overdue');
    expect(wiki.reasons.find((r: { rule: string }) => r.rule === 'overdue').message).toContain('PLB-2 (critical, due 2026-02-01)');
    const db = JSON.parse((await get('/v1/admission/db-1', 'read')).body);
    expect(db.verdict).toBe('deny');
    expect(db.reasons[0]).toMatchObject({ rule: 'compromised', verdict: 'deny', message: 'marked compromised since 2026-01-09 (INC-7): webshell found' });
    // FreeRADIUS's view of the same verdicts.
    expect(JSON.parse((await get('/v1/admission/5254.0000.0101?format=freeradius', 'admission')).body)).toMatchObject({ 'control:Plumb-Admission': 'quarantine', 'control:Plumb-Host': 'wiki-1' });
    expect((await get('/v1/admission/52:54:00:99:99:99?format=freeradius', 'admission')).status).toBe(404);
    expect((await get('/v1/admission/web-1?format=xml', 'admission')).status).toBe(400);
  });

  it('plumb admit gives the same verdict on the command line: exit 0, 3, 4', () => {
    for (const [host, code, verdict] of [['web-1', 0, 'admit'], ['52:54:00:00:01:01', 3, 'quarantine'], ['db-1', 4, 'deny']] as const) {
      const r = repo.plumb('admit', host, '--facts', repo.facts, '--json');
      expect(r.code, r.stderr).toBe(code);
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict });
    }
    const human = repo.plumb('admit', 'wiki-1', '--facts', repo.facts);
    expect(human.stdout).toMatch(/^wiki-1 \(intranet\): QUARANTINE\n {2}quarantine +overdue/);
    expect(repo.plumb('admit', 'nosuchhost', '--facts', repo.facts).code).toBe(1);
  });

  it('the commands teach: --help with examples; plumb serve token prints the token once and a hashed entry; a bad configuration is refused, located', () => {
    for (const args of [['serve', '--help'], ['admit', '--help'], ['serve', 'token', '--help']]) expect(repo.plumb(...args).stdout, args.join(' ')).toContain('Examples:');
    const t = repo.plumb('serve', 'token', '--name', 'radius', '--scope', 'admission', '--expires', '2027-06-30');
    expect(t.code, t.stderr).toBe(0);
    const token = /token \(shown once\): (plumb_\S+)/.exec(t.stderr)![1]!;
    expect(t.stdout).toBe(`  - name: radius\n    sha256: ${hashToken(token)}\n    scopes: [admission]\n    expires: 2027-06-30\n`);
    expect(t.stdout).not.toContain(token);
    expect(repo.plumb('serve', 'token', '--name', 'x', '--scope', 'write').code).toBe(1);
    const bad = join(repo.dir, 'bad.yaml');
    writeFileSync(bad, 'tokens:\n  - { name: x, sha256: nothex, scopes: [read] }\n');
    const r = repo.plumb('serve', '--config', bad, '--listen', '127.0.0.1:0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+: 'sha256': "nothex" is not valid/);
  });

  it('hosts: findings, vulnerabilities, last run and the age of the facts', async () => {
    const list = JSON.parse((await get('/v1/hosts', 'read')).body);
    expect(list.hosts.map((h: { name: string }) => h.name).sort()).toEqual(['db-1', 'web-1', 'web-2', 'wiki-1']);
    const wiki = JSON.parse((await get('/v1/hosts/wiki-1', 'read')).body).host;
    expect(wiki.findings.open.map((f: { key: string }) => f.key)).toContain('package-vulnerable:bash');
    expect(wiki.vulnerabilities.length).toBeGreaterThan(0);
    expect(wiki.factsAgeSeconds).toBeGreaterThan(0);
    expect(Date.parse(wiki.gatheredAt)).toBe(Date.parse('2026-01-10T00:00:00Z'));
    const web1 = JSON.parse((await get('/v1/hosts/web-1', 'read')).body).host;
    expect(web1.lastRun).toMatchObject({ kind: expect.any(String), hostStatus: expect.any(String) });
    const metrics = await get('/metrics', 'read');
    expect(metrics.headers['content-type']).toContain('text/plain; version=0.0.4');
    for (const family of ['plumbline_hosts', 'plumbline_vulnerabilities', 'plumbline_patch_response_seconds', 'plumbline_program_cost']) expect(metrics.body).toContain(`# TYPE ${family} gauge`);
  });

  it('what a host reports reaches neither a terminal nor a browser as control: escaped in JSON, escaped in HTML', async () => {
    const api = await get('/v1/hosts/web-1', 'read');
    const finding = JSON.parse(api.body).host.findings.open.find((f: { key: string }) => f.key.includes('LoginGraceTime'));
    expect(finding.actual).toBe(HOSTILE); // the value survives, as data
    expect(api.body).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/); // no raw control character in the text
    const page = (await get('/hosts/web-1.html', 'read')).body;
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(page).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(page).toContain('\\u{1b}]52;c;');
  });

  it('bad, malformed and expired tokens: 401 with a challenge and nothing else', async () => {
    for (const token of [undefined, 'nonsense', `plumb_${'A'.repeat(43)}`, TOKENS.expired, `${TOKENS.read}x`]) {
      const r = await srv.raw('/v1/hosts', { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect(r.status, String(token)).toBe(401);
      expect(r.body).toBe(UNAUTHORIZED);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="plumb"/);
    }
    expect((await srv.raw('/v1/hosts', { headers: { authorization: `Bearer ${TOKENS.expired}` } })).headers['www-authenticate']).toContain('expired');
    // An admission token reads verdicts only.
    for (const path of ['/v1/hosts', '/v1/hosts/web-1', '/metrics', '/']) expect(await get(path, 'admission'), path).toMatchObject({ status: 403, body: '{"error":"forbidden"}' });
  });

  it('a token for one system sees nothing of another: not found, redacted, its own metrics and dashboard only', async () => {
    const list = await get('/v1/hosts', 'intranet');
    expect(JSON.parse(list.body).hosts.map((h: { name: string }) => h.name)).toEqual(['wiki-1']);
    for (const path of ['/v1/hosts/web-1', '/v1/admission/web-1', '/v1/admission/10.0.0.1', '/v1/admission/52:54:00:00:00:01', '/hosts/web-1.html', '/v1/hosts/nosuchhost']) {
      expect(await get(path, 'intranet'), path).toMatchObject({ status: 404, body: NOT_FOUND });
    }
    const bodies = await Promise.all(['/v1/hosts', '/v1/hosts/wiki-1', '/v1/admission/wiki-1', '/metrics', '/', '/index.html', '/hosts/wiki-1.html'].map((p) => get(p, 'intranet')));
    for (const b of bodies) {
      expect(b.status).toBe(200);
      for (const other of PAYROLL) expect(b.body, other).not.toContain(other);
    }
    expect(bodies[3]!.body).toContain('system="intranet"');
    expect(bodies[3]!.body).not.toContain('_organization');
    // The payroll owner sees payroll's hosts, and intranet's not at all.
    expect((await get('/v1/hosts/wiki-1', 'payroll')).status).toBe(404);
    expect((await get('/v1/hosts/db-1', 'payroll')).status).toBe(200);
  });

  it('path traversal and odd names in {name}: 404 or 400, the same small body, nothing read', async () => {
    for (const path of ['/v1/hosts/..%2F..%2Fetc%2Fpasswd', '/v1/hosts/../../etc/passwd', '/hosts/..%2F..%2Fetc%2Fpasswd', '/hosts/../index.html', '/v1/admission/..', '/v1/admission/%2e%2e%2fweb-1', '/v1/hosts/web-1%00', '/v1/hosts/__proto__', '/v1/hosts/constructor', '/hosts/%3Cscript%3E.html', `/v1/hosts/${'a'.repeat(300)}`]) {
      const r = await get(path, 'read');
      expect([400, 404], path).toContain(r.status);
      expect(r.body, path).toMatch(/^\{"error":"(not found|bad request)"\}$/);
    }
  });

  it('oversized and slow requests, and anything but GET: refused with the right status', async () => {
    expect((await srv.raw('/v1/hosts', { token: TOKENS.read, headers: { 'x-big': 'a'.repeat(8000) } })).status).toBe(431);
    expect((await srv.raw(`/v1/hosts/${'a'.repeat(6000)}`, { token: TOKENS.read })).status).toBe(431);
    const post = await srv.raw('/v1/hosts', { token: TOKENS.read, method: 'POST', body: Buffer.alloc(2 << 20, 0x41), headers: { 'content-type': 'application/json' } }).catch((e: Error) => ({ status: 0, body: e.message, headers: {} }));
    expect([405, 413, 0]).toContain(post.status);
    for (const method of ['DELETE', 'PUT', 'PATCH']) expect(await srv.raw('/v1/hosts/web-1', { token: TOKENS.read, method }), method).toMatchObject({ status: 405 });
    // Headers that never finish: the server gives up after its timeout (2 s here) instead of holding the connection.
    const slow = await srv.slow(`GET /v1/hosts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.read}\r\n`);
    expect(slow.ms).toBeLessThan(15_000);
    expect(slow.answer === '' || /^HTTP\/1\.1 408/.test(slow.answer)).toBe(true);
    expect(slow.answer).not.toContain('wiki-1');
    // Still serving.
    expect((await get('/v1/admission/web-1', 'admission')).status).toBe(200);
  });

  it('refreshes itself: a commit marking web-2 compromised denies it within seconds; a broken commit keeps the last good state', async () => {
    expect(JSON.parse((await get('/v1/admission/web-2', 'admission')).body).verdict).not.toBe('deny');
    const org = join(repo.dir, 'inventory/org.yaml');
    writeFileSync(org, readFileSync(org, 'utf8').replace('{ name: web-2, address: 10.0.0.2,', '{ name: web-2, address: 10.0.0.2, compromised: { since: 2026-12-01, reason: beaconing }, '));
    execFileSync('git', ['-C', repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'web-2 compromised']);
    const until = Date.now() + 60_000;
    let verdict = '';
    while (Date.now() < until && verdict !== 'deny') {
      await new Promise((r) => setTimeout(r, 500));
      verdict = JSON.parse((await get('/v1/admission/web-2', 'admission')).body).verdict;
    }
    expect(verdict).toBe('deny');
    writeFileSync(org, `${readFileSync(org, 'utf8')}\nnot: [valid`);
    execFileSync('git', ['-C', repo.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qam', 'broken']);
    await new Promise((r) => setTimeout(r, 4000));
    expect(JSON.parse((await get('/v1/admission/web-2', 'admission')).body).verdict).toBe('deny');
    expect(srv.log()).toContain('refresh failed, still serving the state built');
  });

  it('refused authentications are rate limited per address', async () => {
    let limited = 0;
    for (let i = 0; i < 40; i++) if ((await srv.raw('/v1/hosts', { headers: { authorization: 'Bearer nope' } })).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
    const r = await get('/v1/hosts', 'read');
    expect(r).toMatchObject({ status: 429, body: '{"error":"too many requests"}' });
  });
});
