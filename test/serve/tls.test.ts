import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../engine/serve/auth.js';
import { FixtureRepo } from '../metrics/fixture-repo.js';
import { ServeProcess } from './server-process.js';

const token = newToken();

/** plumb serve over HTTPS with mutual TLS: certificates made by the real openssl, clients made by Node's TLS. */
describe('plumb serve with TLS and mutual TLS', () => {
  let repo: FixtureRepo;
  let srv: ServeProcess;
  let pki: string;
  const file = (n: string) => readFileSync(join(pki, n));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: ['ignore', 'ignore', 'pipe'] });

  /** A CA, and a key and certificate it signs (with an IP SAN for the server). */
  function issue(ca: string, name: string, server: boolean): void {
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=${ca}`);
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    writeFileSync(join(pki, `${name}.ext`), server ? 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n');
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
  }

  const get = (path: string, client: { cert?: string; key?: string; ca?: string } = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: srv.port, path, agent: false, ca: file(client.ca ?? 'server-ca.pem'), ...(client.cert ? { cert: file(client.cert), key: file(client.key!) } : {}), headers: { authorization: `Bearer ${token}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    repo = await FixtureRepo.create();
    pki = join(repo.dir, 'pki');
    execFileSync('mkdir', [pki]);
    issue('server-ca', 'server', true);
    issue('client-ca', 'radius', false);
    issue('rogue-ca', 'rogue', false);
    writeFileSync(join(repo.dir, 'serve.yaml'), `tokens:\n  - { name: radius, sha256: ${hashToken(token)}, scopes: [admission] }\n`);
    srv = await ServeProcess.start(repo.dir, ['--config', join(repo.dir, 'serve.yaml'), '--facts', repo.facts, '--tls-cert', join(pki, 'server.pem'), '--tls-key', join(pki, 'server.key'), '--client-ca', join(pki, 'client-ca.pem')]);
  }, 180_000);
  afterAll(async () => {
    await srv?.stop();
    repo?.cleanup();
  });

  it('listens on HTTPS and answers a client whose certificate the client CA signed', async () => {
    expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(srv.log()).toContain('(mutual TLS)');
    const r = await get('/v1/admission/web-1', { cert: 'radius.pem', key: 'radius.key' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ host: 'web-1' });
  });

  it('refuses, in the handshake, a client without a certificate or with one from another CA', async () => {
    await expect(get('/healthz')).rejects.toThrow();
    await expect(get('/healthz', { cert: 'rogue.pem', key: 'rogue.key' })).rejects.toThrow();
  });

  it('plain HTTP to the TLS port gets no answer from the API', async () => {
    const plain = await srv.raw('/healthz').catch((e: Error) => ({ status: 0, body: e.message }));
    expect(plain.body).not.toContain('"status":"ok"');
  });
});
