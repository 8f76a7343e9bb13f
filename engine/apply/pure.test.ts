import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { durationMs, thresholdReached } from './gate.js';
import { setKey } from './settings-edit.js';
import { inWindow, nextOpening } from './windows.js';
import { debIdentity } from './artifacts.js';

describe('maintenance windows', () => {
  const w = { timezone: 'Europe/Berlin', slots: [{ days: ['mon' as const, 'tue' as const], start: '22:00', end: '02:00' }] };
  it('honours the time zone and slots past midnight', () => {
    expect(inWindow(w, new Date('2026-11-23T21:30:00Z'))).toBe(true); // Mon 22:30 in Berlin (UTC+1)
    expect(inWindow(w, new Date('2026-11-24T00:30:00Z'))).toBe(true); // Tue 01:30, from Monday's slot
    expect(inWindow(w, new Date('2026-11-24T01:30:00Z'))).toBe(false); // Tue 02:30
    expect(inWindow(w, new Date('2026-11-26T00:30:00Z'))).toBe(false); // Thu 01:30: there is no Wednesday slot
  });
  it('finds the next opening', () => {
    expect(nextOpening(w, new Date('2026-11-25T12:00:00Z'))?.toISOString()).toBe('2026-11-30T21:00:00.000Z');
  });
  it('crosses daylight saving time by the local clock', () => {
    const summer = { timezone: 'Europe/Berlin', slots: [{ days: ['sun' as const], start: '03:00', end: '04:00' }] };
    expect(inWindow(summer, new Date('2026-07-05T01:30:00Z'))).toBe(true); // 03:30 CEST
    expect(inWindow(summer, new Date('2026-12-06T02:30:00Z'))).toBe(true); // 03:30 CET
  });
});

describe('ring gate arithmetic', () => {
  it('reads durations', () => {
    expect(durationMs('1d12h')).toBe(36 * 3600 * 1000);
    expect(durationMs('0')).toBe(0);
    expect(durationMs(90)).toBe(90_000);
  });
  it('halts at the failure threshold', () => {
    expect(thresholdReached(1, 1, 3)).toBe(true);
    expect(thresholdReached(2, 1, 3)).toBe(false);
    expect(thresholdReached('10%', 1, 20)).toBe(false);
    expect(thresholdReached('10%', 2, 20)).toBe(true);
    expect(thresholdReached(undefined, 5, 5)).toBe(false);
  });
});

describe('setKey', () => {
  const sshd = '# comment\nInclude /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nX11Forwarding yes\nMatch User bob\n  PermitRootLogin no\n';
  it('puts an sshd keyword before the first Include, where it wins, and comments out the old one', () => {
    const out = setKey(sshd, 'space', 'PermitRootLogin', 'prohibit-password');
    expect(out).toBe('# comment\nPermitRootLogin prohibit-password\nInclude /etc/ssh/sshd_config.d/*.conf\n# PermitRootLogin yes  # superseded by plumbline\nX11Forwarding yes\nMatch User bob\n  PermitRootLogin no\n');
    // A second key lands after the first, keeping the order in which they were set.
    expect(setKey(out, 'space', 'MaxAuthTries', '3').split('\n').slice(1, 4)).toEqual(['PermitRootLogin prohibit-password', 'MaxAuthTries 3', 'Include /etc/ssh/sshd_config.d/*.conf']);
    // Without Include or Match the key goes at the end of the (all global) file.
    expect(setKey('Port 22\n', 'space', 'Banner', '/etc/issue.net')).toBe('Port 22\nBanner /etc/issue.net\n');
  });
  it('is accepted by the real sshd, which then reports the new value', () => {
    let sshdOk = true;
    try {
      execFileSync('/usr/sbin/sshd', ['-V'], { stdio: 'ignore' });
    } catch (e) {
      sshdOk = (e as { status?: number }).status !== undefined; // sshd -V prints its version and exits non-zero on old versions
    }
    if (!sshdOk) return;
    const dir = mkdtempSync(join(tmpdir(), 'plumb-sshd-'));
    const key = join(dir, 'hostkey');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const conf = join(dir, 'sshd_config');
    writeFileSync(conf, setKey(`HostKey ${key}\nPasswordAuthentication yes\n`, 'space', 'PasswordAuthentication', 'no'));
    const out = execFileSync('/usr/sbin/sshd', ['-T', '-f', conf], { encoding: 'utf8' });
    expect(out).toMatch(/^passwordauthentication no$/m);
  });
  it('replaces the last-wins key in place for = syntax and appends a missing one', () => {
    expect(setKey('a = 1\nb=2\na=3\n', 'equals', 'a', '0')).toBe('a = 0\nb=2\n# a=3  # superseded by plumbline\n');
    expect(setKey('', 'equals', 'net.ipv4.ip_forward', '0')).toBe('net.ipv4.ip_forward = 0\n');
  });
});

describe('artifacts', () => {
  it('reads Debian file names', () => {
    expect(debIdentity('remediations/artifacts/libssl3_3.0.17-1~deb12u3_amd64.deb')).toEqual({ name: 'libssl3', version: '3.0.17-1~deb12u3' });
    expect(debIdentity('x/openssh-server_1%3a9.2p1-2+deb12u5_amd64.deb')).toEqual({ name: 'openssh-server', version: '1:9.2p1-2+deb12u5' });
    expect(debIdentity('notes.txt')).toBeUndefined();
  });
});

describe('disableModule', () => {
  it('adds the install and blacklist lines once, keeping what is there', async () => {
    const { disableModule } = await import('./settings-edit.js');
    const once = disableModule('# managed by plumbline\n', 'rds');
    expect(once).toBe('# managed by plumbline\ninstall rds /bin/false\nblacklist rds\n');
    expect(disableModule(once, 'rds')).toBe(once);
    expect(disableModule(once, 'tipc')).toBe(`${once}install tipc /bin/false\nblacklist tipc\n`);
  });
});
