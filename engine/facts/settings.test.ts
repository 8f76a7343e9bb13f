import { describe, expect, it } from 'vitest';
import { equalsSettings, spaceSettings } from './settings.js';

const files = (m: Record<string, string>) => (p: string) => m[p];
const globsOf = (m: Record<string, string[]>) => (f: string, p: string) => m[`${f} ${p}`];

describe('space syntax (sshd_config)', () => {
  it('first occurrence wins, keywords are case-insensitive, keys keep the spelling of the request', () => {
    const r = spaceSettings('/etc/ssh/sshd_config', '/etc/ssh', ['PermitRootLogin', 'X11Forwarding', 'Banner'], files({ '/etc/ssh/sshd_config': 'permitrootlogin no\nPermitRootLogin yes\n  X11FORWARDING   yes # comment\n#Banner /x\n' }), globsOf({}));
    expect(r).toEqual({ ok: true, values: { PermitRootLogin: 'no', X11Forwarding: 'yes', Banner: null } });
  });
  it('reads Keyword=value and strips enclosing double quotes', () => {
    const r = spaceSettings('/c', '/', ['LoginGraceTime', 'Banner'], files({ '/c': 'LoginGraceTime=0\nBanner "/etc/issue.net"\n' }), globsOf({}));
    expect(r).toEqual({ ok: true, values: { LoginGraceTime: '0', Banner: '/etc/issue.net' } });
  });
  it('stops the global section at Match', () => {
    const r = spaceSettings('/c', '/', ['MaxAuthTries', 'X11Forwarding'], files({ '/c': 'MaxAuthTries 3\nMatch User bob\n  X11Forwarding yes\n' }), globsOf({}));
    expect(r).toEqual({ ok: true, values: { MaxAuthTries: '3', X11Forwarding: null } });
  });
  it('follows Include in place, relative patterns against the base, in glob order', () => {
    const r = spaceSettings(
      '/etc/ssh/sshd_config',
      '/etc/ssh',
      ['PasswordAuthentication', 'PermitRootLogin', 'MaxAuthTries'],
      files({
        '/etc/ssh/sshd_config': 'PermitRootLogin yes\nInclude sshd_config.d/*.conf\nPasswordAuthentication yes\nMaxAuthTries 6\n',
        '/etc/ssh/sshd_config.d/10-a.conf': 'PasswordAuthentication no\n',
        '/etc/ssh/sshd_config.d/20-b.conf': 'PasswordAuthentication yes\nMaxAuthTries 2\n',
      }),
      globsOf({ '/etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf': ['/etc/ssh/sshd_config.d/10-a.conf', '/etc/ssh/sshd_config.d/20-b.conf'] }),
    );
    expect(r).toEqual({ ok: true, values: { PasswordAuthentication: 'no', PermitRootLogin: 'yes', MaxAuthTries: '2' } });
  });
  it('a Match inside an included file ends at the end of that file, as sshd -T shows', () => {
    const r = spaceSettings(
      '/m',
      '/',
      ['LoginGraceTime', 'MaxAuthTries', 'PermitRootLogin'],
      files({ '/m': 'Include /d/*.conf\nMaxAuthTries 7\n', '/d/a.conf': 'LoginGraceTime 33\nMatch User bob\nMaxAuthTries 2\n', '/d/b.conf': 'PermitRootLogin no\n' }),
      globsOf({ '/m /d/*.conf': ['/d/a.conf', '/d/b.conf'] }),
    );
    expect(r).toEqual({ ok: true, values: { LoginGraceTime: '33', MaxAuthTries: '7', PermitRootLogin: 'no' } });
  });
  it('an Include that matched nothing contributes nothing; an unreadable one makes the answer unknown', () => {
    const none = spaceSettings('/m', '/', ['X'], files({ '/m': 'Include /nothing/*\nX 1\n' }), globsOf({ '/m /nothing/*': [] }));
    expect(none).toEqual({ ok: true, values: { X: '1' } });
    const unreadable = spaceSettings('/m', '/', ['X'], files({ '/m': 'Include /d/*\nX 1\n' }), globsOf({ '/m /d/*': ['/d/secret'] }));
    expect(unreadable.ok).toBe(false);
    const unexpanded = spaceSettings('/m', '/', ['X'], files({ '/m': 'Include /d/*\n' }), globsOf({}));
    expect(unexpanded.ok).toBe(false);
  });
  it('stops an Include cycle', () => {
    const r = spaceSettings('/m', '/', ['X'], files({ '/m': 'Include /m\n' }), globsOf({ '/m /m': ['/m'] }));
    expect(r.ok).toBe(false);
  });
});

describe('equals syntax', () => {
  it('last assignment wins, # and ; comments, spaces around = optional, quotes removed', () => {
    const text = '# comment\n; other\nnet.ipv4.ip_forward = 0\nnet.ipv4.ip_forward=1\nNAME="quoted value"\nother = x\n  spaced  =  y  \n';
    expect(equalsSettings(text, ['net.ipv4.ip_forward', 'NAME', 'spaced', 'absent'])).toEqual({ 'net.ipv4.ip_forward': '1', NAME: 'quoted value', spaced: 'y', absent: null });
  });
  it('keys are case-sensitive and lines without = are ignored', () => {
    expect(equalsSettings('Key=1\nkey\n=2\n', ['key'])).toEqual({ key: null });
  });
});
