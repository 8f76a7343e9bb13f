import { describe, expect, it } from 'vitest';
import { parseFacts } from './parse.js';
import { emptyRequest } from './request.js';
import type { FactsRequest } from './types.js';

const b = (s: string) => Buffer.from(s).toString('base64');
const rec = (o: Record<string, unknown>) => JSON.stringify(o);
const wrap = (...lines: string[]) => [rec({ t: 'begin', v: 1, time: '2026-01-02T03:04:05Z', enc: 'w0' }), ...lines, rec({ t: 'end' })].join('\n');
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('parseFacts', () => {
  it('reads every record kind', () => {
    const req: FactsRequest = {
      files: ['/etc/shadow', '/etc/missing', '/etc/app.conf'],
      contents: ['/etc/app.conf'],
      services: ['ssh.service'],
      sysctl: ['net.ipv4.tcp_syncookies'],
      settings: [{ file: '/etc/app.conf', syntax: 'equals', keys: ['a'] }],
    };
    const dpkg = 'openssl\t3.0.17-1~deb12u3\tamd64\tii \topenssl\t3.0.17-1~deb12u3\nlibssl3\t3.0.17-1~deb12u3\tamd64\thi \topenssl\t3.0.17-1~deb12u3\ngone\t1.0\tamd64\tun \tgone\t\nrc-pkg\t2.0\tall\trc \tsrc-pkg\t2.0-1\n';
    const out = wrap(
      rec({ t: 'os', data: b('ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n') }),
      rec({ t: 'kernel', value: '6.1.0-28-amd64' }),
      rec({ t: 'machine', value: 'x86_64' }),
      rec({ t: 'dpkg_arch', value: 'amd64' }),
      rec({ t: 'packages', format: 'source', data: b(dpkg) }),
      rec({ t: 'file', path: '/etc/shadow', exists: true, stat: 'regular file|640|root|shadow|1000', sha256: 'a'.repeat(64) }),
      rec({ t: 'file', path: '/etc/missing', exists: false }),
      rec({ t: 'file', path: '/etc/app.conf', exists: true, stat: 'regular file|644|root|root|8', sha256: 'b'.repeat(64) }),
      rec({ t: 'content', path: b('/etc/app.conf'), data: b('a = 1\na=2\n') }),
      rec({ t: 'service', name: 'ssh.service', state: 'enabled', active: 'unknown' }),
      rec({ t: 'sysctl', key: 'net.ipv4.tcp_syncookies', value: '1' }),
      rec({ t: 'listening', data: b('tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\nudp UNCONN 0 0 [::1]:323 [::]:*\n') }),
      rec({ t: 'reboot', required: true, pkgs: b('linux-image-amd64\n') }),
      rec({ t: 'uptime', seconds: '123.45' }),
    );
    const f = parseFacts(out, req, 'h1');
    expect(f.host).toBe('h1');
    expect(f.gatheredAt).toBe('2026-01-02T03:04:05Z');
    expect(f.os).toEqual({ id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(f.kernel).toBe('6.1.0-28-amd64');
    expect(f.arch).toBe('amd64');
    expect(f.platform).toBe('apt');
    expect(Object.keys(f.packages!).sort()).toEqual(['libssl3', 'openssl', 'rc-pkg']);
    expect(f.packages!['rc-pkg']).toEqual({ name: 'rc-pkg', version: '2.0', arch: 'all', status: 'config-files', source: 'src-pkg', sourceVersion: '2.0-1' });
    expect(f.held).toEqual(['libssl3']);
    expect(f.files['/etc/shadow']).toEqual({ exists: true, type: 'file', mode: '0640', owner: 'root', group: 'shadow', size: 1000, sha256: 'a'.repeat(64) });
    expect(f.files['/etc/missing']).toEqual({ exists: false });
    expect(f.files['/etc/app.conf']!.content).toBe('a = 1\na=2\n');
    expect(f.settings).toEqual({ '/etc/app.conf': { a: '2' } });
    expect(f.services).toEqual({ 'ssh.service': { state: 'enabled', active: 'unknown' } });
    expect(f.sysctl).toEqual({ 'net.ipv4.tcp_syncookies': '1' });
    expect(f.listening).toEqual([
      { proto: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' },
      { proto: 'udp', address: '::1', port: 323 },
    ]);
    expect(f.rebootRequired).toBe(true);
    expect(f.rebootPackages).toEqual(['linux-image-amd64']);
    expect(f.uptimeSeconds).toBe(123);
    expect(f.unknown).toEqual([]);
  });

  it('turns unknown records and missing facts into `unknown`, never into absent', () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/etc/x'], services: ['a.service'], sysctl: ['k.v'], settings: [{ file: '/etc/x', syntax: 'space', keys: ['K'] }] };
    const out = wrap(
      rec({ t: 'unknown', fact: 'packages', reason: 'dpkg-query not installed' }),
      rec({ t: 'unknown', fact: 'listening', reason: 'ss not installed' }),
      rec({ t: 'unknown', fact: 'contents', reason: 'base64 not available' }),
      rec({ t: 'file', path: '/etc/x', exists: true, stat: null, sha256: '' }),
      rec({ t: 'sysctl', key: 'k.v', value: null, reason: 'no such key' }),
    );
    const f = parseFacts(out, req, 'h');
    expect(f.packages).toBeNull();
    expect(f.held).toBeNull();
    expect(f.listening).toBeNull();
    expect(f.os).toBeNull();
    expect(f.sysctl).toEqual({ 'k.v': null });
    expect(f.settings).toEqual({});
    expect(f.services).toEqual({});
    expect(f.files['/etc/x']).toEqual({ exists: true });
    const facts = f.unknown.map((u) => u.fact).sort();
    expect(facts).toEqual(
      ['contents', 'file:/etc/x', 'file:/etc/x:sha256', 'kernel', 'listening', 'os', 'packages', 'reboot', 'service:a.service', 'settings:/etc/x', 'sysctl:k.v', 'uptime'].sort(),
    );
    expect(f.unknown.find((u) => u.fact === 'packages')!.reason).toBe('dpkg-query not installed');
  });

  it('skips malformed lines and says so', () => {
    const out = wrap('{not json', '"a string"', rec({ t: 'kernel', value: '6.1' }), '{"t":"uptime","seconds":"1"');
    const f = parseFacts(out, emptyRequest(), 'h');
    expect(f.kernel).toBe('6.1');
    expect(f.unknown.find((u) => u.fact === 'output')?.reason).toBe('3 malformed lines ignored');
  });

  it('refuses output without begin or end, or of another version', () => {
    expect(codeOf(() => parseFacts('', emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts('garbage\n', emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts(rec({ t: 'begin', v: 1 }), emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts([rec({ t: 'begin', v: 2 }), rec({ t: 'end' })].join('\n'), emptyRequest(), 'h'))).toBe('E_FACTS');
  });

  it('uses the control clock when the host has no date, and says so', () => {
    const out = [rec({ t: 'begin', v: 1, time: null, enc: '' }), rec({ t: 'end' })].join('\n');
    const f = parseFacts(out, emptyRequest(), 'h', { now: new Date('2026-05-01T00:00:00.123Z') });
    expect(f.gatheredAt).toBe('2026-05-01T00:00:00Z');
    expect(f.unknown.some((u) => u.fact === 'gatheredAt')).toBe(true);
  });

  it('reads settings through Include globs reported by the script', () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/etc/ssh/sshd_config'], settings: [{ file: '/etc/ssh/sshd_config', syntax: 'space', keys: ['PasswordAuthentication'] }] };
    const out = wrap(
      rec({ t: 'file', path: '/etc/ssh/sshd_config', exists: true, stat: 'regular file|644|root|root|10', sha256: 'c'.repeat(64) }),
      rec({ t: 'content', path: b('/etc/ssh/sshd_config'), data: b('Include /etc/ssh/sshd_config.d/*.conf\nPasswordAuthentication yes\n') }),
      rec({ t: 'glob', file: b('/etc/ssh/sshd_config'), pattern: b('/etc/ssh/sshd_config.d/*.conf'), matches: [b('/etc/ssh/sshd_config.d/a.conf')] }),
      rec({ t: 'content', path: b('/etc/ssh/sshd_config.d/a.conf'), data: b('PasswordAuthentication no\n') }),
    );
    expect(parseFacts(out, req, 'h').settings).toEqual({ '/etc/ssh/sshd_config': { PasswordAuthentication: 'no' } });
  });

  it('reads the legacy Source field of older dpkg', () => {
    const out = wrap(rec({ t: 'packages', format: 'legacy', data: b('libssl3\t3.0.1-1\tamd64\tii \topenssl (3.0.1-0)\nbash\t5.2\tamd64\tii \t\n') }));
    const f = parseFacts(out, emptyRequest(), 'h');
    expect(f.packages!.libssl3).toMatchObject({ source: 'openssl', sourceVersion: '3.0.1-0' });
    expect(f.packages!.bash).toMatchObject({ source: 'bash', sourceVersion: '5.2' });
  });

  it('keeps both architectures of a multi-arch package', () => {
    const out = wrap(rec({ t: 'dpkg_arch', value: 'amd64' }), rec({ t: 'packages', format: 'source', data: b('libc6\t2.36\ti386\tii \tglibc\t2.36\nlibc6\t2.36\tamd64\tii \tglibc\t2.36\n') }));
    const f = parseFacts(out, emptyRequest(), 'h');
    expect(f.packages!.libc6!.arch).toBe('amd64');
    expect(f.packages!['libc6:i386']!.arch).toBe('i386');
  });
});
