import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../engine/serve/auth.js';
import { describeLab } from '../lab/skip.js';
import { Org, remediation } from '../support/org.js';
import { FreeRadius, freeradiusSkip } from './freeradius.js';
import { ServeProcess } from './server-process.js';

const MAC = ['52:54:00:a0:00:01', '52:54:00:a0:00:02', '52:54:00:a0:00:03'];

/**
 * Network admission end to end: real facts from the lab's Debian hosts (plumb facts over SSH), plumb serve on
 * loopback, and Debian's FreeRADIUS with its rest module configured from examples/freeradius/, answering
 * radclient's Access-Requests the way a switch doing MAC authentication bypass sends them. The first host is
 * compliant; the second has an open critical remediation whose deadline passed; the third is marked compromised.
 */
const NAME = 'network admission through FreeRADIUS on lab hosts';
if (freeradiusSkip) describe.skip(`${NAME} [skipped: ${freeradiusSkip}]`, () => it('needs FreeRADIUS', () => undefined));
else describeLab(NAME, (lab) => {
  let org: Org;
  let srv: ServeProcess;
  let radius: FreeRadius;
  const token = newToken();
  const hosts = () => lab().hosts.slice(0, 3);

  beforeAll(async () => {
    const info = lab();
    org = new Org(info.inventoryPath);
    // A baseline the image meets as it is, so the first host has nothing open; MACs as the switches would see them.
    org.write('baselines/lab-admission.yaml', 'name: lab-admission\nplatform: { os: debian }\n');
    let inv = readFileSync(join(org.dir, 'inventory/lab.yaml'), 'utf8').replace(/baseline: \S+/g, 'baseline: lab-admission').replace(/system: \S+/g, 'system: intranet');
    hosts().forEach((h, i) => (inv = inv.replace(`  - name: ${h.name}\n`, `  - name: ${h.name}\n    mac_addresses: ['${MAC[i]}']\n${i === 2 ? '    compromised: { since: 2026-11-01, reason: unknown binary in /tmp, ticket: INC-42 }\n' : ''}`)));
    org.write('inventory/lab.yaml', inv);
    const update = info.mirror.securityUpdates[0]!;
    org.write(
      'remediations/PLB-ADM-1.yaml',
      remediation({ id: 'PLB-ADM-1', kind: 'patch', severity: 'critical', selector: `hosts: [${hosts()[1]!.name}]\npackage: { name: ${update.package}, affected: "< ${update.fixedVersion}" }`, action: `packages: [{ name: ${update.package}, version: "${update.fixedVersion}" }]`, extra: 'deadline: 2026-01-01\n' }),
    );
    org.commit('admission: lab MACs, a compromised host, an overdue critical patch');
    const facts = join(org.dir, 'facts.json');
    const gathered = org.plumb('facts', ...hosts().map((h) => h.name), '--out', facts);
    expect(gathered.code, gathered.stderr).toBe(0);
    writeFileSync(join(org.dir, 'serve.yaml'), `tokens:\n  - { name: radius, sha256: ${hashToken(token)}, scopes: [admission] }\n`);
    srv = await ServeProcess.start(org.dir, ['--config', join(org.dir, 'serve.yaml'), '--facts', facts, '--ref', 'main']);
    radius = await FreeRadius.start(srv.url, token);
  }, 10 * 60_000);

  afterAll(async () => {
    await radius?.stop();
    await srv?.stop();
    org?.cleanup();
  });

  it('plumb serve judges the real facts: admit, quarantine (overdue critical), deny (compromised)', async () => {
    const verdicts = await Promise.all(MAC.map(async (m) => JSON.parse((await srv.raw(`/v1/admission/${m}`, { token })).body)));
    expect(verdicts.map((v) => [v.host, v.verdict])).toEqual(hosts().map((h, i) => [h.name, ['admit', 'quarantine', 'deny'][i]]));
    expect(verdicts[0].factsAgeSeconds).toBeLessThan(3600);
    expect(verdicts[1].reasons[0]).toMatchObject({ rule: 'overdue', verdict: 'quarantine' });
    expect(verdicts[1].reasons[0].message).toContain('PLB-ADM-1 (critical, due 2026-01-01)');
    const cli = org.plumb('admit', MAC[1]!, '--facts', join(org.dir, 'facts.json'), '--ref', 'main');
    expect(cli.code, cli.stderr).toBe(3);
  });

  it('FreeRADIUS: Access-Accept for the compliant host, the quarantine VLAN for the overdue one, Access-Reject for the compromised one and an unknown MAC', () => {
    const compliant = radius.macAuth(MAC[0]!);
    expect(compliant.code, radius.log().slice(-4000)).toBe('Access-Accept');
    expect(compliant.attributes).not.toContain('Tunnel-Private-Group-Id');
    const overdue = radius.macAuth(MAC[1]!);
    expect(overdue.code).toBe('Access-Accept');
    expect(overdue.attributes).toMatch(/Tunnel-Private-Group-Id(:0)? = "666"/);
    expect(overdue.attributes).toMatch(/Tunnel-Type(:0)? = VLAN/);
    expect(overdue.attributes).toContain('plumb: quarantine (overdue)');
    expect(radius.macAuth(MAC[2]!).code).toBe('Access-Reject');
    const unknown = radius.macAuth('52:54:00:ff:ff:ff');
    expect(unknown.code).toBe('Access-Reject');
    expect(unknown.attributes).toContain('plumb: unknown device');
  });

  it('fails closed: with plumb serve gone, FreeRADIUS rejects', async () => {
    await srv.stop();
    expect(radius.macAuth(MAC[0]!).code).toBe('Access-Reject');
  });
});
