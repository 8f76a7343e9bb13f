import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseFacts } from './parse.js';
import { emptyRequest } from './request.js';
import type { FactsRequest } from './types.js';

/** Builders for the script's output (engine/facts/README.md, "The wire format"); a fake only to test the parser. */
const b = (s: string) => Buffer.from(s).toString('base64');
const rec = (o: Record<string, unknown>) => JSON.stringify(o);
const raw = (head: Record<string, unknown>, body: string) => `${JSON.stringify({ ...head, len: Buffer.byteLength(body) })}\n${body}`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const stat = (lines: string[]) => raw({ t: 'stat' }, lines.join('\n'));
const SELF = '555:0:directory:0:root:root:1767323045:/proc/self/'; // 2026-01-02T03:04:05Z
const wrap = (...lines: string[]) => [rec({ t: 'begin', v: 3 }), ...lines, rec({ t: 'end' })].join('\n');
/** Output whose end record bundles `files`, their bytes after it. */
const bundled = (lines: string[], files: Array<[string, string]>) =>
  `${[rec({ t: 'begin', v: 3 }), ...lines, rec({ t: 'end', bundle: files.map(([p, c]) => [p, Buffer.byteLength(c)]) })].join('\n')}\n${files.map(([, c]) => c).join('')}`;
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
      files: ['/etc/shadow', '/etc/missing', '/etc/app.conf', '/etc/os-link'],
      contents: ['/etc/app.conf'],
      services: ['ssh.service'],
      sysctl: ['net.ipv4.tcp_syncookies'],
      modules: ['rds', 'tipc'],
      settings: [{ file: '/etc/app.conf', syntax: 'equals', keys: ['a'] }],
    };
    const dpkg = 'openssl\t3.0.17-1~deb12u3\tamd64\tii \topenssl\t3.0.17-1~deb12u3\nlibssl3\t3.0.17-1~deb12u3\tamd64\thi \topenssl\t3.0.17-1~deb12u3\ngone\t1.0\tamd64\tun \tgone\t\nrc-pkg\t2.0\tall\trc \tsrc-pkg\t2.0-1\ndpkg\t1.21.22\tamd64\tii \tdpkg\t1.21.22';
    const osRelease = 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';
    const app = 'a = 1\na=2\n';
    const out = bundled(
      [
        rec({ t: 'kernel', value: '6.1.0-28-amd64' }),
        rec({ t: 'machine', value: 'x86_64' }),
        rec({ t: 'platform', value: 'apt' }),
        raw({ t: 'packages', format: 'source' }, dpkg),
        rec({ t: 'file', path: '/etc/shadow', exists: true }),
        rec({ t: 'file', path: '/etc/missing', exists: false }),
        rec({ t: 'file', path: '/etc/app.conf', exists: true }),
        rec({ t: 'file', path: '/etc/os-link', exists: true }),
        rec({ t: 'os', path: '/usr/lib/os-release' }),
        rec({ t: 'reboot', required: true }),
        rec({ t: 'sysctl', key: 'net.ipv4.tcp_syncookies', value: '1' }),
        raw({ t: 'sysctlboot' }, '/etc/sysctl.d/10-a.conf:net.ipv4.tcp_syncookies = 0\n/etc/sysctl.conf:  net.ipv4.tcp_syncookies=1  \n/etc/sysctl.conf:other.key = 5\n/etc/x.conf:__proto__ = 1\n'),
        raw({ t: 'modprobe' }, '/etc/modprobe.d/rds.conf:install rds /bin/false\n/etc/modprobe.d/rds.conf:blacklist rds\n/etc/modprobe.d/x.conf:install constructor /bin/true\n'),
        raw({ t: 'listening' }, 'tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=1,fd=3))\nudp UNCONN 0 0 [::1]:323 [::]:*'),
        rec({ t: 'uptime', seconds: '123.45' }),
        stat([SELF, '640:1000:regular file:0:root:shadow:1:/etc/shadow', '644:8:regular file:0:root:root:1:/etc/app.conf', '777:21:symbolic link:0:root:root:1:/etc/os-link -> ../usr/lib/os-release']),
        rec({ t: 'service', name: 'ssh.service', state: 'enabled', active: 'unknown', by: 'files' }),
        raw({ t: 'sha256' }, [`${'a'.repeat(64)}  /etc/shadow`, `${sha(app)}  /etc/app.conf`, `${sha(osRelease)}  /usr/lib/os-release`].join('\n')),
        raw({ t: 'lines', files: ['/etc/app.conf'] }, '/etc/app.conf:a = 1\n/etc/app.conf:a=2\n'),
      ],
      [
        ['/etc/app.conf', app],
        ['/usr/lib/os-release', osRelease],
        ['/run/reboot-required.pkgs', 'linux-image-amd64\n'],
      ],
    );
    const f = parseFacts(out, req, 'h1');
    expect(f.host).toBe('h1');
    expect(f.gatheredAt).toBe('2026-01-02T03:04:05Z');
    expect(f.os).toEqual({ id: 'debian', versionId: '12', versionCodename: 'bookworm', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
    expect(f.kernel).toBe('6.1.0-28-amd64');
    expect(f.arch).toBe('amd64');
    expect(f.platform).toBe('apt');
    expect(Object.keys(f.packages!).sort()).toEqual(['dpkg', 'libssl3', 'openssl', 'rc-pkg']);
    expect(f.packages!['rc-pkg']).toEqual({ name: 'rc-pkg', version: '2.0', arch: 'all', status: 'config-files', source: 'src-pkg', sourceVersion: '2.0-1' });
    expect(f.held).toEqual(['libssl3']);
    expect(f.files['/etc/shadow']).toEqual({ exists: true, type: 'file', mode: '0640', owner: 'root', group: 'shadow', size: 1000, sha256: 'a'.repeat(64) });
    expect(f.files['/etc/missing']).toEqual({ exists: false });
    expect(f.files['/etc/os-link']).toEqual({ exists: true, type: 'symlink', target: '../usr/lib/os-release', mode: '0777', owner: 'root', group: 'root', size: 21 });
    expect(f.files['/etc/app.conf']!.content).toBe(app);
    expect(f.dirs).toEqual({});
    expect(f.settings).toEqual({ '/etc/app.conf': { a: '2' } });
    expect(f.services).toEqual({ 'ssh.service': { state: 'enabled', active: 'unknown' } });
    expect(f.sysctl).toEqual({ 'net.ipv4.tcp_syncookies': '1' });
    // Every line of the boot-time configuration that sets a key asked for, in order; others (and odd keys) dropped.
    expect(f.sysctlBoot).toEqual({ 'net.ipv4.tcp_syncookies': [{ file: '/etc/sysctl.d/10-a.conf', value: '0' }, { file: '/etc/sysctl.conf', value: '1' }] });
    expect(f.kernelModules).toEqual({ rds: [{ file: '/etc/modprobe.d/rds.conf', line: 'install rds /bin/false' }, { file: '/etc/modprobe.d/rds.conf', line: 'blacklist rds' }], tipc: [] });
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
      rec({ t: 'unknown', fact: 'contents', reason: 'neither stat and cat nor base64 available' }),
      rec({ t: 'file', path: '/etc/x', exists: true }),
      rec({ t: 'sysctl', key: 'k.v', value: null, reason: 'no such key' }),
    );
    const f = parseFacts(out, req, 'h', { now: new Date('2026-05-01T00:00:00Z') });
    expect(f.packages).toBeNull();
    expect(f.held).toBeNull();
    expect(f.listening).toBeNull();
    expect(f.os).toBeNull();
    expect(f.platform).toBeNull();
    expect(f.sysctl).toEqual({ 'k.v': null });
    expect(f.settings).toEqual({});
    expect(f.services).toEqual({});
    expect(f.files['/etc/x']).toEqual({ exists: true });
    const facts = f.unknown.map((u) => u.fact).sort();
    expect(facts).toEqual(
      ['contents', 'file:/etc/x', 'file:/etc/x:sha256', 'gatheredAt', 'kernel', 'listening', 'os', 'packages', 'reboot', 'service:a.service', 'settings:/etc/x', 'sysctl:k.v', 'sysctl-boot', 'uptime'].sort(),
    );
    expect(f.unknown.find((u) => u.fact === 'packages')!.reason).toBe('dpkg-query not installed');
  });

  it('skips malformed lines and says so', () => {
    const out = wrap('{not json', '"a string"', rec({ t: 'kernel', value: '6.1' }), '{"t":"uptime","seconds":"1"');
    const f = parseFacts(out, emptyRequest(), 'h');
    expect(f.kernel).toBe('6.1');
    expect(f.unknown.find((u) => u.fact === 'output')?.reason).toBe('3 malformed lines ignored');
  });

  it('refuses output without begin or end, of another version, or with a block that does not match its length', () => {
    expect(codeOf(() => parseFacts('', emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts('garbage\n', emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts(rec({ t: 'begin', v: 3 }), emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts([rec({ t: 'begin', v: 2 }), rec({ t: 'end' })].join('\n'), emptyRequest(), 'h'))).toBe('E_FACTS');
    expect(codeOf(() => parseFacts([rec({ t: 'begin', v: 1 }), rec({ t: 'end' })].join('\n'), emptyRequest(), 'h'))).toBe('E_FACTS');
    const short = [rec({ t: 'begin', v: 3 }), rec({ t: 'listening', len: 50 }), 'tcp LISTEN', rec({ t: 'end' })].join('\n');
    expect(codeOf(() => parseFacts(short, emptyRequest(), 'h'))).toBe('E_FACTS');
  });

  it('never reads a record out of framed bytes', () => {
    const evil = `x\n${rec({ t: 'end' })}\n${rec({ t: 'kernel', value: 'forged' })}`;
    const f = parseFacts(wrap(raw({ t: 'listening' }, evil), rec({ t: 'kernel', value: '6.1' })), emptyRequest(), 'h');
    expect(f.kernel).toBe('6.1');
    const g = parseFacts(bundled([rec({ t: 'kernel', value: '6.1' })], [['/etc/motd', `${rec({ t: 'kernel', value: 'forged' })}\n`]]), emptyRequest(), 'h');
    expect(g.kernel).toBe('6.1');
  });

  it("takes the host's clock from stat, else from date, else from the control machine and says so", () => {
    expect(parseFacts(wrap(stat([SELF])), emptyRequest(), 'h').gatheredAt).toBe('2026-01-02T03:04:05Z');
    expect(parseFacts(wrap(rec({ t: 'time', value: '2026-03-04T05:06:07Z' })), emptyRequest(), 'h').gatheredAt).toBe('2026-03-04T05:06:07Z');
    const f = parseFacts(wrap(), emptyRequest(), 'h', { now: new Date('2026-05-01T00:00:00.123Z') });
    expect(f.gatheredAt).toBe('2026-05-01T00:00:00Z');
    expect(f.unknown.some((u) => u.fact === 'gatheredAt')).toBe(true);
  });

  it('reads settings through Include globs reported by the script, from grep lines and from gather-nofollow.pl', () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/etc/ssh/sshd_config'], settings: [{ file: '/etc/ssh/sshd_config', syntax: 'space', keys: ['PasswordAuthentication', 'MaxAuthTries'] }] };
    const lines = ['/etc/ssh/sshd_config:Include /etc/ssh/sshd_config.d/*.conf /etc/ssh/odd/*', '/etc/ssh/sshd_config:PasswordAuthentication yes', '/etc/ssh/sshd_config:MaxAuthTries 6', '/etc/ssh/sshd_config.d/a.conf:PasswordAuthentication no'];
    const out = wrap(
      rec({ t: 'file', path: '/etc/ssh/sshd_config', exists: true }),
      rec({ t: 'glob', file: '/etc/ssh/sshd_config', pattern: '/etc/ssh/sshd_config.d/*.conf', matches: ['/etc/ssh/sshd_config.d/a.conf'] }),
      rec({ t: 'glob', file64: b('/etc/ssh/sshd_config'), pattern64: b('/etc/ssh/odd/*'), matches64: [b('/etc/ssh/odd/b c.conf')] }),
      stat(['644:10:regular file:0:root:root:1:/etc/ssh/sshd_config']),
      raw({ t: 'lines', files: ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/a.conf'] }, `${lines.join('\n')}\n`),
      raw({ t: 'nofollow' }, `${raw({ t: 'redacted', path: '/etc/ssh/odd/b c.conf' }, 'MaxAuthTries 2\n')}\n`),
    );
    expect(parseFacts(out, req, 'h').settings).toEqual({ '/etc/ssh/sshd_config': { PasswordAuthentication: 'no', MaxAuthTries: '2' } });
  });

  it('keeps only the label of a value hashed on the host, and says when it could not be hashed', () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/etc/mysql/debian.cnf'], settings: [{ file: '/etc/mysql/debian.cnf', syntax: 'equals', keys: ['password', 'user'], hashed: ['password'] }] };
    const inner = (withSums: boolean) =>
      [raw({ t: 'redacted', path: '/etc/mysql/debian.cnf' }, 'user = debian-sys-maint\npassword = \u00011\u0001\n'), withSums ? raw({ t: 'sums', files: [[3, '/etc/mysql/debian.cnf']], values: [[4, 1]] }, `${'b'.repeat(64)}  /dev/fd/3\n${'c'.repeat(64)}  /dev/fd/4\n`) : ''].join('\n');
    const out = (withSums: boolean) => wrap(rec({ t: 'file', path: '/etc/mysql/debian.cnf', exists: true }), stat(['600:10:regular file:0:root:root:1:/etc/mysql/debian.cnf']), raw({ t: 'nofollow' }, `${inner(withSums)}\n`));
    const f = parseFacts(out(true), req, 'h');
    expect(f.settings['/etc/mysql/debian.cnf']).toEqual({ user: 'debian-sys-maint', password: `sensitive, sha256:${'c'.repeat(64)}` });
    expect(f.files['/etc/mysql/debian.cnf']).toMatchObject({ sha256: 'b'.repeat(64), sensitive: true });
    expect(f.files['/etc/mysql/debian.cnf']!.content).toBeUndefined();
    const g = parseFacts(out(false), req, 'h');
    expect(g.settings['/etc/mysql/debian.cnf']).toBeUndefined();
    expect(g.unknown.map((u) => u.fact)).toContain('settings:/etc/mysql/debian.cnf');
  });

  it('describes every directory above a requested path, links with their target', () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/home/m/.config/app.conf'] };
    const out = wrap(
      rec({ t: 'file', path: '/home/m/.config/app.conf', exists: true }),
      stat(['755:1:directory:0:root:root:1:/', '755:1:directory:0:root:root:1:/home', '700:1:directory:1000:m:m:1:/home/m', '777:19:symbolic link:1000:m:m:1:/home/m/.config -> /etc/apt/apt.conf.d', '644:3:regular file:0:root:root:1:/home/m/.config/app.conf']),
    );
    expect(parseFacts(out, req, 'h').dirs).toEqual({
      '/': { type: 'directory', mode: '0755', owner: 'root' },
      '/home': { type: 'directory', mode: '0755', owner: 'root' },
      '/home/m': { type: 'directory', mode: '0700', owner: 'm' },
      '/home/m/.config': { type: 'symlink', mode: '0777', owner: 'm', target: '/etc/apt/apt.conf.d' },
    });
  });

  it("reports what gather-nofollow.pl refused, and a body that changed between its two reads", () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/home/m/a', '/home/m/b'], contents: ['/home/m/a', '/home/m/b'] };
    const inner = [
      rec({ t: 'safe', path: '/home/m/a', ok: false, reason: 'parent /home/m is a symbolic link to /root' }),
      raw({ t: 'body', path: '/home/m/b' }, 'new'),
      raw({ t: 'sums', files: [[3, '/home/m/b']], values: [] }, `${sha('old')}  /dev/fd/3\n`),
    ].join('\n');
    const out = wrap(rec({ t: 'file', path: '/home/m/a', exists: true }), rec({ t: 'file', path: '/home/m/b', exists: true }), raw({ t: 'nofollow' }, `${inner}\n`));
    const f = parseFacts(out, req, 'h');
    expect(f.files['/home/m/a']!.content).toBeUndefined();
    expect(f.unknown.find((u) => u.fact === 'content:/home/m/a')?.reason).toMatch(/symbolic link to \/root/);
    expect(f.unknown.find((u) => u.fact === 'content:/home/m/b')?.reason).toMatch(/changed while being read/);
  });

  it('reports a bundled file that changed, vanished or was cut short, and keeps the others', () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/a', '/b', '/c'], contents: ['/a', '/b', '/c'] };
    const files = ['/a', '/b', '/c'].map((p) => rec({ t: 'file', path: p, exists: true }));
    const sums = (m: Record<string, string>) => raw({ t: 'sha256' }, Object.entries(m).map(([p, c]) => `${sha(c)}  ${p}`).join('\n'));
    // /b changed after sha256sum read it; its bytes are still where the sizes say.
    const changed = `${[rec({ t: 'begin', v: 3 }), ...files, sums({ '/a': 'A\n', '/b': 'B\n', '/c': 'C\n' }), rec({ t: 'end', bundle: [['/a', 2], ['/b', 2], ['/c', 2]] })].join('\n')}\nA\nX\nC\n`;
    const f = parseFacts(changed, req, 'h');
    expect([f.files['/a']!.content, f.files['/b']!.content, f.files['/c']!.content]).toEqual(['A\n', undefined, 'C\n']);
    const contentMisses = (g: ReturnType<typeof parseFacts>) => g.unknown.map((u) => u.fact).filter((u) => u.startsWith('content:')).sort();
    expect(contentMisses(f)).toEqual(['content:/b']);
    // /b vanished before cat: /c arrives where /b should be, and only sha256 can tell.
    const vanished = `${[rec({ t: 'begin', v: 3 }), ...files, sums({ '/a': 'A\n', '/b': 'B\n', '/c': 'C\n' }), rec({ t: 'end', bundle: [['/a', 2], ['/b', 2], ['/c', 2]] })].join('\n')}\nA\nC\n`;
    expect(contentMisses(parseFacts(vanished, req, 'h'))).toEqual(['content:/b', 'content:/c']);
    // Without sha256sum on the host, only the total length vouches for the boundaries.
    const noSums = (body: string) => `${[rec({ t: 'begin', v: 3 }), ...files, rec({ t: 'end', bundle: [['/a', 2], ['/b', 2], ['/c', 2]] })].join('\n')}\n${body}`;
    expect(parseFacts(noSums('A\nB\nC\n'), req, 'h').files['/c']!.content).toBe('C\n');
    expect(contentMisses(parseFacts(noSums('A\nC\n'), req, 'h'))).toEqual(['content:/a', 'content:/b', 'content:/c']);
  });

  it("reads busybox stat's quoted link lines", () => {
    const req: FactsRequest = { ...emptyRequest(), files: ['/etc/os-link'] };
    const out = wrap(rec({ t: 'file', path: '/etc/os-link', exists: true }), stat(["777:21:symbolic link:0:root:root:1:'/etc/os-link' -> '../usr/lib/os-release'"]));
    expect(parseFacts(out, req, 'h').files['/etc/os-link']).toEqual({ exists: true, type: 'symlink', target: '../usr/lib/os-release', mode: '0777', owner: 'root', group: 'root', size: 21 });
  });

  it('reads the legacy Source field of older dpkg', () => {
    const out = wrap(raw({ t: 'packages', format: 'legacy' }, 'libssl3\t3.0.1-1\tamd64\tii \topenssl (3.0.1-0)\nbash\t5.2\tamd64\tii \t'));
    const f = parseFacts(out, emptyRequest(), 'h');
    expect(f.packages!.libssl3).toMatchObject({ source: 'openssl', sourceVersion: '3.0.1-0' });
    expect(f.packages!.bash).toMatchObject({ source: 'bash', sourceVersion: '5.2' });
  });

  it("takes the native architecture from dpkg's own package, else from the machine", () => {
    const multi = 'libc6\t2.36\ti386\tii \tglibc\t2.36\nlibc6\t2.36\tamd64\tii \tglibc\t2.36\ndpkg\t1.21\tamd64\tii \tdpkg\t1.21';
    const f = parseFacts(wrap(rec({ t: 'machine', value: 'i686' }), raw({ t: 'packages', format: 'source' }, multi)), emptyRequest(), 'h');
    expect(f.arch).toBe('amd64');
    expect(f.packages!.libc6!.arch).toBe('amd64');
    expect(f.packages!['libc6:i386']!.arch).toBe('i386');
    expect(parseFacts(wrap(rec({ t: 'machine', value: 'aarch64' })), emptyRequest(), 'h').arch).toBe('arm64');
  });
});
