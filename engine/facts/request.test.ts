import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../model/load.js';
import { encodeRequest, requestFor, sysctlPath } from './request.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('requestFor', () => {
  it('asks for what the baseline and every remediation name, and nothing twice', async () => {
    const { model } = await loadRepository(repo);
    const req = requestFor(model, model.hosts.get('payroll-web-01')!);
    expect(req.files).toEqual(expect.arrayContaining(['/etc/shadow', '/etc/issue.net', '/etc/plumbline/site.conf', '/etc/ssh/sshd_config']));
    // Files managed by content are compared by sha256: their text is never asked for, nor /etc/shadow's.
    expect(req.contents).toEqual(['/etc/ssh/sshd_config']);
    expect(req.services).toEqual(expect.arrayContaining(['ssh.service', 'rsync.service']));
    expect(req.sysctl).toEqual(expect.arrayContaining(['net.ipv4.tcp_syncookies', 'net.ipv4.conf.all.rp_filter']));
    const sshd = req.settings.find((s) => s.file === '/etc/ssh/sshd_config')!;
    expect(sshd.syntax).toBe('space');
    // LoginGraceTime comes from remediation PLB-2026-0002, MaxAuthTries from the server baseline.
    expect(sshd.keys).toEqual(expect.arrayContaining(['PermitRootLogin', 'MaxAuthTries', 'LoginGraceTime']));
    expect(new Set(req.files).size).toBe(req.files.length);
  });

  it('asks for secrets, and for keys only unapproved remediations want, as hashes', async () => {
    const { model } = await loadRepository(repo);
    const host = model.hosts.get('payroll-web-01')!;
    const r = model.remediations.get('PLB-2026-0002')!;
    const withSecret = { ...model, remediations: new Map([...model.remediations, ['X-1', { ...r, id: 'X-1', action: { settings: [{ file: '/etc/mysql/debian.cnf', syntax: 'equals' as const, values: { password: 'hunter2', user: 'debian-sys-maint' } }, { file: '/etc/ssh/sshd_config', values: { MaxStartups: '10' } }] } }]]) };
    const req = requestFor(withSecret, host);
    const cnf = req.settings.find((s) => s.file === '/etc/mysql/debian.cnf')!;
    // debian.cnf is a secret by name: every key is hashed, and its text is never asked for.
    expect(cnf.hashed).toEqual(['password', 'user']);
    expect(req.contents).not.toContain('/etc/mysql/debian.cnf');
    // X-1 has no approval: its sshd key leaves only as a hash, so sshd_config is read redacted.
    expect(req.settings.find((s) => s.file === '/etc/ssh/sshd_config')!.hashed).toEqual(['MaxStartups']);
    expect(req.contents).not.toContain('/etc/ssh/sshd_config');
  });
});

describe('sysctlPath', () => {
  it('follows the procps separator rule', () => {
    expect(sysctlPath('net.ipv4.tcp_syncookies')).toBe('/proc/sys/net/ipv4/tcp_syncookies');
    expect(sysctlPath('net.ipv4.conf.eth0/100.forwarding')).toBe('/proc/sys/net/ipv4/conf/eth0.100/forwarding');
    expect(sysctlPath('net/ipv4/conf/eth0.100/forwarding')).toBe('/proc/sys/net/ipv4/conf/eth0.100/forwarding');
  });
});

describe('encodeRequest', () => {
  it('writes one tab-separated line per item, and refuses line breaks', () => {
    const text = encodeRequest({ files: ['/a'], contents: ['/a', '/b'], services: ['s.service'], sysctl: ['k.v'], settings: [{ file: '/etc/ssh/sshd_config', syntax: 'space', keys: ['X'] }] });
    expect(text).toBe('file\t/a\nfile\t/b\nfile\t/etc/ssh/sshd_config\ncontent\t/a\ncontent\t/b\nsettings\t/etc/ssh/sshd_config\tspace\t/etc/ssh\nkey\t/etc/ssh/sshd_config\tX\tplain\nservice\ts.service\nsysctl\tk.v\t/proc/sys/k/v\n');
    expect(encodeRequest({ files: [], contents: [], services: [], sysctl: [], settings: [{ file: '/f', syntax: 'equals', keys: ['a', 'password'], hashed: ['password'] }] })).toBe('file\t/f\nsettings\t/f\tequals\t/etc/ssh\nkey\t/f\ta\tplain\nkey\t/f\tpassword\thash\n');
    expect(() => encodeRequest({ files: ['/a\nservice\tx'], contents: [], services: [], sysctl: [], settings: [] })).toThrow();
  });
});
