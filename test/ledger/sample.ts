import type { ActionRecord, JournalEvent } from '../../engine/ledger/types.js';

/**
 * A run as the engine journals it (same event order as apply/host.ts and reconcile/execute.ts; older journals also have host-restored): two pilot hosts, one
 * changed and verified, one whose second action failed and was restored, and a broad host outside its window.
 */
export function sampleJournal(o: { id?: string; start?: Date; commit?: string; status?: 'completed' | 'halted' } = {}): JournalEvent[] {
  const id = o.id ?? '20261125T143000Z-ab12cd';
  let t = (o.start ?? new Date('2026-11-25T14:30:00Z')).getTime();
  const at = () => new Date((t += 1000)).toISOString();
  const commit = o.commit ?? '0123456789abcdef0123456789abcdef01234567';
  const approval = { id: 'APR-0017', ticket: 'CHG-1234', approver: 'alice', emergency: false, window: 'weekend', source: `remediations/approvals/apr-0017.yaml:1@${commit.slice(0, 12)}` };
  const dsa = { kind: 'remediation' as const, id: 'DSA-5678-1', severity: 'high' as const, emergency: false };
  const base = { kind: 'baseline' as const, name: 'debian-12-server' };
  const openssl = (host: string, n: number): Omit<ActionRecord, 'result'> => ({
    id: `${host}#${n}`,
    type: 'package-install',
    params: { name: 'openssl', version: '3.0.15-1~deb12u1', upgrade: true },
    finding: 'package-vulnerable:openssl',
    findingKind: 'package-vulnerable',
    origin: dsa,
    source: `remediations/dsa-5678-1.yaml:7@${commit.slice(0, 12)}`,
    approval,
    before: '3.0.11-1~deb12u2',
    after: '3.0.15-1~deb12u1',
  });
  const root = (host: string, n: number): Omit<ActionRecord, 'result'> => ({
    id: `${host}#${n}`,
    type: 'setting-set',
    params: { file: '/etc/ssh/sshd_config', syntax: 'space', key: 'PermitRootLogin', value: 'no' },
    finding: 'setting:/etc/ssh/sshd_config:PermitRootLogin',
    findingKind: 'setting',
    origin: base,
    source: `baselines/debian-12-server.yaml:31@${commit.slice(0, 12)}`,
    before: 'yes',
    after: 'no',
  });
  const sysctl = (host: string, n: number): Omit<ActionRecord, 'result'> => ({
    id: `${host}#${n}`,
    type: 'sysctl-set',
    params: { key: 'net.ipv4.ip_forward', value: '0' },
    finding: 'sysctl:net.ipv4.ip_forward',
    findingKind: 'sysctl',
    origin: base,
    source: `baselines/debian-12-server.yaml:40@${commit.slice(0, 12)}`,
    before: '1',
    after: '0',
  });
  const reboot: Omit<ActionRecord, 'result'> = { id: 'web-1#3', type: 'reboot-notify', params: {}, finding: 'reboot-required:kernel', findingKind: 'reboot-required', origin: base, source: `baselines/debian-12-server.yaml:50@${commit.slice(0, 12)}`, before: 'pending', after: null };
  const backup = (_host: string) => `/var/lib/plumbline/backups/${id}`;
  const start = at();
  return [
    { t: 'run-start', at: start, run: { id, kind: 'apply', startedAt: start, commit, ref: 'refs/heads/main', factsDigest: 'sha256:feed', approvals: [approval], operator: { user: 'root', hostname: 'control' } } },
    { t: 'host-start', at: at(), host: { host: 'web-1', system: 'web', ring: 'pilot', packagesBefore: { openssl: '3.0.11-1~deb12u2' }, factsDigestBefore: 'sha256:aa', backup: backup('web-1'), startedAt: at(), actions: [openssl('web-1', 1), root('web-1', 2), reboot] } },
    { t: 'action-skipped', at: at(), host: 'web-1', action: 'web-1#3', reason: 'a pending reboot is reported, never performed' },
    { t: 'backup', at: at(), host: 'web-1', backup: backup('web-1') },
    { t: 'action-start', at: at(), host: 'web-1', action: 'web-1#1' },
    { t: 'action-applied', at: at(), host: 'web-1', action: 'web-1#1' },
    { t: 'action-start', at: at(), host: 'web-1', action: 'web-1#2' },
    { t: 'action-applied', at: at(), host: 'web-1', action: 'web-1#2' },
    { t: 'host-start', at: at(), host: { host: 'web-2', system: 'web', ring: 'pilot', packagesBefore: { openssl: '3.0.11-1~deb12u2' }, factsDigestBefore: 'sha256:bb', backup: backup('web-2'), startedAt: at(), actions: [openssl('web-2', 1), sysctl('web-2', 2)] } },
    { t: 'verified', at: at(), host: 'web-1', verified: ['web-1#1', 'web-1#2'], unverified: [], packagesAfter: { openssl: '3.0.15-1~deb12u1' }, factsDigestAfter: 'sha256:a2' },
    { t: 'host-end', at: at(), host: 'web-1', status: 'changed' },
    { t: 'backup', at: at(), host: 'web-2', backup: backup('web-2') },
    { t: 'action-start', at: at(), host: 'web-2', action: 'web-2#1' },
    { t: 'action-applied', at: at(), host: 'web-2', action: 'web-2#1' },
    { t: 'action-start', at: at(), host: 'web-2', action: 'web-2#2' },
    { t: 'action-failed', at: at(), host: 'web-2', action: 'web-2#2', error: { code: 'E_ACTION_FAILED', message: 'web-2: web-2#2 sysctl net.ipv4.ip_forward failed: exit status 255' } },
    { t: 'host-restored', at: at(), host: 'web-2', actions: ['web-2#1'] },
    { t: 'host-end', at: at(), host: 'web-2', status: 'restored', error: { code: 'E_ACTION_FAILED', message: 'web-2: web-2#2 sysctl net.ipv4.ip_forward failed: exit status 255' } },
    { t: 'ring', at: at(), ring: { ring: 'pilot', status: 'completed', failed: 1, attempted: 2 } },
    { t: 'host-skipped', at: at(), host: 'db-1', system: 'db', ring: 'broad', reason: 'outside maintenance window weekend (opens 2026-11-28T22:00:00.000Z)' },
    { t: 'ring', at: at(), ring: { ring: 'broad', status: 'completed', failed: 0, attempted: 0 } },
    { t: 'run-end', at: at(), status: o.status ?? 'completed' },
  ];
}
