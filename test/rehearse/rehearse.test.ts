import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureImage } from '../../engine/lab/index.js';
import { readRuns } from '../../engine/ledger/index.js';
import { describeLabMachine } from '../lab/skip.js';
import { Org, remediation, ROOT } from '../support/org.js';

/** `plumb rehearse` builds its own fresh lab hosts from the standard image: the production inventory is never touched. */
describeLabMachine('plumb rehearse', () => {
  let org: Org;
  let fixed: { source: string; sourceVersion: string; fixedVersion: string };
  beforeAll(async () => {
    const { mirror } = await ensureImage({});
    const ssl = mirror.info.securityUpdates.find((u) => u.package === 'libssl3')!;
    fixed = { source: ssl.source, sourceVersion: ssl.sourceVersion, fixedVersion: ssl.fixedVersion };
    org = new Org(join(ROOT, 'inventory/hosts.yaml'));
  }, 20 * 60_000);
  afterAll(() => org?.cleanup());

  it('passes a security update that verifies and leaves the baseline intact, and records it', async () => {
    org.write(
      'remediations/PLB-R-1.yaml',
      remediation({ id: 'PLB-R-1', kind: 'patch', selector: `platforms: [{ os: debian, versions: ">= 12" }]\npackage: { name: ${fixed.source}, source: true, affected: "< ${fixed.sourceVersion}" }`, action: `packages:\n  - { name: libssl3, version: "${fixed.fixedVersion}" }` }),
    );
    org.commit('PLB-R-1');
    const r = org.plumb('rehearse', 'PLB-R-1');
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/### Rehearsal of PLB-R-1: ✅ passed/);
    // One lab host per baseline the remediation's hosts use: debian-12-web and debian-12-server in the example.
    expect(r.stdout).toMatch(/\| debian-12-server \|/);
    expect(r.stdout).toMatch(/\| debian-12-web \|/);
    expect((await readRuns(org.dir)).at(-1)).toMatchObject({ kind: 'rehearse', status: 'completed' });
  });

  it('fails a remediation that breaks a baseline requirement, saying which', () => {
    org.write(
      'remediations/PLB-R-2.yaml',
      remediation({ id: 'PLB-R-2', kind: 'configuration', selector: 'platforms: [{ os: debian }]', action: 'settings:\n  - file: /etc/ssh/sshd_config\n    values: { PasswordAuthentication: "yes" }' }),
    );
    org.commit('PLB-R-2');
    const r = org.plumb('rehearse', 'PLB-R-2');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/❌ failed/);
    expect(r.stdout).toMatch(/PasswordAuthentication in \/etc\/ssh\/sshd_config is 'yes', wants 'no'/);
  });

  it('fails a patch whose package cannot be installed, with the error', () => {
    org.write('remediations/PLB-R-3.yaml', remediation({ id: 'PLB-R-3', kind: 'patch', selector: 'platforms: [{ os: debian }]\npackage: { name: rsync, affected: "*" }', action: 'packages:\n  - { name: plumb-broken, version: "1.0-1" }' }));
    org.commit('PLB-R-3');
    const r = org.plumb('rehearse', 'PLB-R-3');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/not applicable|failed/);
  });
});
