import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../model/load.js';
import type { Model } from '../model/types.js';
import { assemblePlan, hasChanges } from './assemble.js';
import { compliantFacts } from './fixtures.test-helper.js';
import { renderHuman } from './render/human.js';
import { renderMarkdown } from './render/markdown.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const now = new Date('2026-11-25T12:00:00Z');
let model: Model;
beforeAll(async () => {
  const r = await loadRepository(root);
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  model = r.model;
});
const host = (name: string) => model.hosts.get(name)!;
const plain = { red: String, yellow: String, green: String, cyan: String, dim: String, bold: String } as never;

describe('assemblePlan on the example organization', () => {
  it('plans nothing for hosts that meet their baseline', () => {
    const inputs = [...model.hosts.values()].map((h) => ({ host: h.name, facts: compliantFacts(model, h, {}, { remediations: true }), digest: 'd' }));
    const plan = assemblePlan(model, inputs, { now });
    expect(plan.hosts.flatMap((h) => h.actions)).toEqual([]);
    expect(hasChanges(plan)).toBe(false);
    expect(renderHuman(plan, plain)).toContain('Plan: 5 hosts, 0 upgrades, 0 removals, 0 configuration changes; 0 awaiting approval');
  });

  it('turns hand-made drift into exactly the expected actions, each with its reason and provenance', () => {
    const h = host('wiki-01');
    const facts = compliantFacts(model, h, { telnetd: ['0.17+2.4-2+deb12u1', 'inetutils'] });
    facts.settings['/etc/ssh/sshd_config']!.PermitRootLogin = 'yes';
    facts.files['/etc/shadow']!.mode = '0644';
    facts.services['rsync.service'] = { state: 'enabled', active: 'unknown' };
    facts.sysctl['net.ipv4.tcp_syncookies'] = '0';
    facts.rebootRequired = true;
    const plan = assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }], { now });
    const actions = plan.hosts[0]!.actions.map((a) => `${a.type} ${'name' in a ? a.name : 'path' in a ? a.path : 'unit' in a ? a.unit : 'key' in a ? a.key : ''}`.trim());
    expect(actions).toEqual(['package-remove telnetd', 'file-attributes /etc/shadow', 'setting-set PermitRootLogin', 'sysctl-set net.ipv4.tcp_syncookies', 'service-disable rsync.service', 'reboot-notify']);
    const chmod = plan.hosts[0]!.actions[1]!;
    expect(chmod).toMatchObject({ before: '0644', after: '0640', finding: 'file-mode:/etc/shadow', origin: { kind: 'baseline', name: 'debian-12-server' } });
    expect(chmod.source).toMatch(/^baselines\/debian-12-base\.yaml:\d+@worktree$/);
    // telnetd is forbidden by the baseline; PLB-2026-0003 (approved for pilot, wiki-01 is pilot) removes it too: one action.
    expect(plan.hosts[0]!.awaiting).toEqual([]);
    expect(plan.summary).toMatchObject({ removals: 1, configuration: 4, reboots: 1 });
  });

  it('plans a patch only where the board approved it for the ring, and shows the rest as awaiting approval', () => {
    const vulnerable = { libssl3: ['3.0.11-1~deb12u2', 'openssl', '3.0.11-1~deb12u2'], openssl: ['3.0.11-1~deb12u2', 'openssl', '3.0.11-1~deb12u2'] } as Record<string, [string, string, string]>;
    const inputs = ['payroll-web-01', 'payroll-web-02', 'payroll-db-01'].map((n) => ({ host: n, facts: compliantFacts(model, host(n), vulnerable), digest: n }));
    const plan = assemblePlan(model, inputs, { now });
    const web1 = plan.hosts.find((h) => h.host === 'payroll-web-01')!;
    expect(web1.actions.filter((a) => a.type === 'package-install')).toEqual([
      expect.objectContaining({ name: 'libssl3', version: '3.0.17-1~deb12u3', upgrade: true, approval: expect.objectContaining({ id: 'APR-2026-0001' }) }),
      expect.objectContaining({ name: 'openssl', version: '3.0.17-1~deb12u3' }),
    ]);
    // The emergency sshd workaround applies to internet-facing hosts and is approved as an emergency.
    expect(web1.actions).toContainEqual(expect.objectContaining({ type: 'setting-set', key: 'LoginGraceTime', value: '0', approval: expect.objectContaining({ emergency: true }) }));
    // payroll-db-01 has an approved deferral: reported as suppressed, never planned.
    const db = plan.hosts.find((h) => h.host === 'payroll-db-01')!;
    expect(db.actions.filter((a) => a.type === 'package-install')).toEqual([]);
    expect(db.suppressed.map((s) => `${s.finding} ${s.exception}`).sort()).toEqual(['package-vulnerable:libssl3 EXC-2026-0001', 'package-vulnerable:openssl EXC-2026-0001']);
    expect(plan.hosts.map((h) => h.ring)).toEqual(['pilot', 'broad', 'broad']);
  });

  it('keeps unapproved remediations out of the actions', () => {
    const m: Model = { ...model, approvals: new Map() };
    const facts = compliantFacts(m, host('payroll-web-01'), { libssl3: ['3.0.11-1~deb12u2', 'openssl', '3.0.11-1~deb12u2'] });
    const plan = assemblePlan(m, [{ host: 'payroll-web-01', facts, digest: 'd' }], { now });
    expect(plan.hosts[0]!.actions.filter((a) => a.origin.kind === 'remediation')).toEqual([]);
    expect(plan.hosts[0]!.awaiting.map((w) => `${w.remediation} ${w.reason}`)).toEqual(['PLB-2026-0001 no approval', 'PLB-2026-0002 no approval']);
    expect(renderMarkdown(plan)).toContain('awaiting approval');
  });

  it('refuses an expired approval and an approval by the proposer even if validation was skipped', () => {
    const apr = model.approvals.get('APR-2026-0001')!;
    const expired: Model = { ...model, approvals: new Map([[apr.id, { ...apr, expires: '2026-01-01' }]]) };
    const selfApproved: Model = { ...model, remediations: new Map([...model.remediations].map(([k, r]) => [k, k === 'PLB-2026-0001' ? { ...r, proposed_by: 'alice' } : r])), approvals: new Map([[apr.id, apr]]) };
    for (const [m, why] of [[expired, /expired/], [selfApproved, /proposer/]] as const) {
      const facts = compliantFacts(m, host('payroll-web-01'), { libssl3: ['3.0.11-1~deb12u2', 'openssl', '3.0.11-1~deb12u2'] });
      const plan = assemblePlan(m, [{ host: 'payroll-web-01', facts, digest: 'd' }], { now });
      expect(plan.hosts[0]!.actions.some((a) => a.type === 'package-install')).toBe(false);
      expect(plan.hosts[0]!.awaiting.find((w) => w.remediation === 'PLB-2026-0001')!.reason).toMatch(why);
    }
  });

  it('lists unreachable hosts without planning for them', () => {
    const plan = assemblePlan(model, [{ host: 'build-01', error: { code: 'E_SSH_CONNECT', message: 'connection refused' } }], { now });
    expect(plan.summary.unreachable).toBe(1);
    expect(renderHuman(plan, plain)).toContain('E_SSH_CONNECT');
  });
});
