import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab, claimHost, onHost, type ClaimedHost } from '../lab/skip.js';
import { approval, Org, remediation } from '../support/org.js';
import type { Plan } from '../../engine/plan/types.js';

/**
 * The read half on a real host: drift made by hand shows up as exactly the expected findings and actions —
 * nothing more — and a host that meets its baseline plans nothing. One claimed host of the shared lab.
 */
describeLab('plan on a real host', (lab) => {
  let claimed: ClaimedHost;
  let org: Org;
  const on = (s: string) => onHost(lab(), claimed.host, s);
  const plan = (): Plan => {
    const r = org.plumb('plan', '--ref', 'main', '--json');
    expect([0, 2], r.stderr).toContain(r.code);
    return JSON.parse(r.stdout) as Plan;
  };

  beforeAll(async () => {
    claimed = await claimHost(lab());
    const h = claimed.host;
    const inv = join(lab().stateDir, `plan-${h.name}.yaml`);
    writeFileSync(inv, `hosts:\n  - name: ${h.name}\n    address: ${h.address}\n    port: ${h.port}\n    user: root\n    identity_file: ${lab().keyPath}\n    host_keys: [${h.fingerprints.map((f) => `"${f}"`).join(', ')}]\n    system: intranet\n    baseline: debian-12-server\n    ring: pilot\n`);
    org = new Org(inv);
    const ssl = lab().mirror.securityUpdates.find((u) => u.package === 'libssl3')!;
    org
      .write('remediations/PLB-P-SSL.yaml', remediation({ id: 'PLB-P-SSL', kind: 'patch', selector: `package: { name: ${ssl.source}, source: true, affected: "< ${ssl.sourceVersion}" }`, action: `packages:\n  - { name: libssl3, version: "${ssl.fixedVersion}" }` }))
      .write('remediations/approvals/APR-P-SSL.yaml', approval({ id: 'APR-P-SSL', remediation: 'PLB-P-SSL', rings: ['pilot', 'broad'] }));
    org.commit('an approved libssl3 patch');
    // Start from a host that meets everything: the standard image brought to its baseline.
    const r = org.plumb('reconcile', '--ref', 'main');
    expect([0, 2], `${r.stdout}\n${r.stderr}`).toContain(r.code);
  }, 15 * 60_000);
  afterAll(async () => {
    org?.cleanup();
    await claimed?.release();
  });

  it('plans zero actions for a host that meets its baseline', () => {
    const p = plan();
    expect(p.hosts[0]!.actions).toEqual([]);
    expect(p.hosts[0]!.unresolvable).toEqual([]);
    expect(org.plumb('plan', '--ref', 'main').code).toBe(0);
  });

  it('shows hand-made drift as exactly the expected findings and actions', async () => {
    const ssl = lab().mirror.securityUpdates.find((u) => u.package === 'libssl3')!;
    await on(
      [
        "sed -i '1i PermitRootLogin yes' /etc/ssh/sshd_config",
        'apt-get -q update >/dev/null && apt-get -q -y install telnetd >/dev/null',
        'chmod 0644 /etc/shadow',
        'systemctl --root=/ enable rsync >/dev/null 2>&1',
        `apt-get -q -y --allow-downgrades install libssl3=${ssl.imageVersion} >/dev/null 2>&1 && apt-mark hold libssl3 >/dev/null`,
      ].join(' && '),
    );
    const p = plan();
    const h = p.hosts[0]!;
    const actions = h.actions.map((a) => `${a.type} ${a.finding}`);
    expect(actions).toEqual([
      'package-remove package-forbidden:telnetd',
      'file-attributes file-mode:/etc/shadow',
      'setting-set setting:/etc/ssh/sshd_config:PermitRootLogin',
      'service-disable service:rsync.service',
    ]);
    // The patch is approved, but the host holds libssl3: shown, never forced.
    expect(h.unresolvable.map((u) => u.finding)).toEqual(['package-vulnerable:libssl3']);
    expect(h.unresolvable[0]!.why).toMatch(/held on the host/);
    expect(h.awaiting).toEqual([]);
    const setting = h.actions.find((a) => a.type === 'setting-set')!;
    expect(setting).toMatchObject({ before: 'yes', after: 'prohibit-password', origin: { kind: 'baseline' }, source: expect.stringMatching(/^baselines\/debian-12-base\.yaml:\d+@[0-9a-f]{12}$/) });
    expect(p.commit).toBe(org.git('rev-parse', 'HEAD'));
    const md = org.plumb('plan', '--ref', 'main', '--markdown').stdout;
    expect(md).toMatch(/^<!-- plumbline-plan -->/);
    expect(md).toMatch(/Plan: 1 host, 0 upgrades, 1 removal, 3 configuration changes; 0 awaiting approval, 1 cannot be fixed automatically/);
  });
});
