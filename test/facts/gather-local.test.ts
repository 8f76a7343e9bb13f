import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATHER_SCRIPT, gatherFacts, gatherInput } from '../../engine/facts/gather.js';
import { parseFacts } from '../../engine/facts/parse.js';
import type { Facts, FactsRequest } from '../../engine/facts/types.js';
import { openTransport } from '../../engine/transport/index.js';

/**
 * The gather script against the real control machine (a Debian 12 box with dpkg, ss, systemctl …), under dash and
 * busybox sh, and with tools taken away to prove that a missing tool yields "unknown" and never a crash.
 */
const isRoot = process.getuid?.() === 0;
const MASKED = 'plumb-test-masked.service';
const units = ['ssh.service', 'sshd.service', 'ssh.socket', 'getty@tty1.service', 'e2scrub_reap.service', 'systemd-fsck-root.service', 'nonexistent-plumb.service', ...(isRoot ? [MASKED] : [])];
const request: FactsRequest = {
  files: ['/etc/passwd', '/etc/shadow', '/etc/ssh', '/etc/no-such-file', '/etc/os-release'],
  contents: ['/etc/hostname'],
  services: units,
  sysctl: ['net.ipv4.tcp_syncookies', 'net.ipv4.tcp_rmem', 'kernel.no_such_key'],
  settings: [{ file: '/etc/ssh/sshd_config', syntax: 'space', keys: ['PermitRootLogin', 'X11Forwarding', 'UsePAM'] }],
};
const host = { name: 'ctl', address: 'localhost', transport: 'local' as const, system: 's', baseline: 'b', ring: 'r', source: { file: 'f', line: 1, col: 1, pointer: '', commit: null } };

/** Runs the script itself under `shell` (it reads its input on standard input, as the transport sends it), with `env`. */
function runUnder(shell: string[], env: NodeJS.ProcessEnv, req: FactsRequest = request): { facts: Facts; stderr: string; stdout: Buffer } {
  const r = spawnSync(shell[0]!, shell.slice(1), { input: gatherInput(req), env, maxBuffer: 64 << 20 });
  return { facts: parseFacts(r.stdout, req, 'ctl'), stderr: r.stderr.toString('utf8'), stdout: r.stdout };
}

/** A PATH directory holding every tool of /usr/bin and /usr/sbin except `hidden`. */
function pathWithout(hidden: string[], dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const d of ['/usr/local/bin', '/usr/bin', '/usr/sbin']) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (hidden.includes(name) || existsSync(join(dir, name))) continue;
      symlinkSync(join(d, name), join(dir, name));
    }
  }
  return dir;
}

// Other processes on a shared machine open and close sockets between two runs: listening is compared in its own test.
const stable = (f: Facts) => ({ ...f, gatheredAt: '', uptimeSeconds: 0, listening: [] });

describe('gather script on the real control machine', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'plumb-gather-'));
  beforeAll(() => {
    if (isRoot) symlinkSync('/dev/null', `/etc/systemd/system/${MASKED}`);
  });
  afterAll(() => {
    if (isRoot) rmSync(`/etc/systemd/system/${MASKED}`, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  let viaTransport: Facts;
  it('gathers through the local transport in one exec, and agrees with the machine', async () => {
    const t = await openTransport(host);
    let execs = 0;
    const counting = { host: t.host, close: () => t.close(), exec: (c: string, o?: object) => (execs++, t.exec(c, o)) };
    viaTransport = await gatherFacts(counting, request, 'ctl');
    expect(execs).toBe(1);
    const f = viaTransport;
    expect(f.os?.id).toBe('debian');
    expect(f.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(f.arch).toBe(execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim());
    expect(f.platform).toBe('apt');
    const held = execFileSync('apt-mark', ['showhold'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    expect(f.held).toEqual(held);
    const st = statSync('/etc/passwd');
    expect(f.files['/etc/passwd']).toMatchObject({ exists: true, type: 'file', mode: `0${(st.mode & 0o7777).toString(8)}`.slice(-4), owner: 'root', size: st.size });
    expect(f.files['/etc/passwd']!.sha256).toBe(execFileSync('sha256sum', ['/etc/passwd'], { encoding: 'utf8' }).split(' ')[0]);
    expect(f.files['/etc/ssh']).toMatchObject({ exists: true, type: 'directory' });
    expect(f.files['/etc/no-such-file']).toEqual({ exists: false });
    expect(f.files['/etc/os-release']!.type).toBe(lstatSync('/etc/os-release').isSymbolicLink() ? 'symlink' : 'file');
    expect(f.files['/etc/hostname']?.content ?? '').toBe(existsSync('/etc/hostname') ? readFileSync('/etc/hostname', 'utf8') : '');
    expect(f.sysctl['net.ipv4.tcp_syncookies']).toBe(readFileSync('/proc/sys/net/ipv4/tcp_syncookies', 'utf8').trim());
    expect(f.sysctl['net.ipv4.tcp_rmem']).toBe(readFileSync('/proc/sys/net/ipv4/tcp_rmem', 'utf8').trim().split(/\s+/).join(' '));
    expect(f.sysctl['kernel.no_such_key']).toBeNull();
    expect(f.unknown.map((u) => u.fact)).toEqual(['sysctl:kernel.no_such_key']);
    for (const u of units) {
      const r = spawnSync('systemctl', ['--root=/', 'is-enabled', u], { encoding: 'utf8' });
      expect(f.services[u]!.state, u).toBe(r.stdout.trim().split('\n')[0] || 'not-found');
    }
    if (isRoot) expect(f.services[MASKED]!.state).toBe('masked');
    expect(f.services['nonexistent-plumb.service']!.state).toBe('not-found');
    const ss = execFileSync('ss', ['-H', '-t', '-u', '-l', '-n'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    expect(f.listening!.length).toBeLessThanOrEqual(ss);
    expect(f.rebootRequired).toBe(existsSync('/run/reboot-required'));
    expect(f.uptimeSeconds).toBeGreaterThan(0);
  });

  it('gives the same facts under dash, busybox sh and bash (which is /bin/sh on some systems)', () => {
    const env = { PATH: process.env.PATH };
    const dash = runUnder(['/bin/dash'], env).facts;
    expect(stable(dash)).toEqual(stable(viaTransport));
    // bash hands itself the rest of its input through cat and `sh -c`: with sh being bash (in POSIX mode), as there.
    const bashAsSh = join(tmp, 'bash-as-sh');
    mkdirSync(bashAsSh, { recursive: true });
    if (!existsSync(join(bashAsSh, 'sh'))) symlinkSync('/bin/bash', join(bashAsSh, 'sh'));
    expect(stable(runUnder([join(bashAsSh, 'sh')], { PATH: `${bashAsSh}:${process.env.PATH}` }).facts)).toEqual(stable(viaTransport));
    if (!existsSync('/usr/bin/busybox')) return console.warn('busybox not installed: busybox sh not tested');
    const busy = runUnder(['/usr/bin/busybox', 'sh'], env).facts;
    expect(stable(busy)).toEqual(stable(viaTransport));
  });

  it('survives an empty PATH: every fact that needs a tool is unknown, nothing crashes', () => {
    for (const shell of [['/bin/dash'], ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'sh']] : [])]) {
      const { facts: f } = runUnder(shell, { PATH: '/nonexistent' });
      expect(f.packages).toBeNull();
      expect(f.os).toBeNull();
      expect(f.listening).toBeNull();
      expect(f.settings).toEqual({});
      const unknown = new Set(f.unknown.map((u) => u.fact));
      for (const fact of ['os', 'packages', 'listening', 'contents', 'gatheredAt', 'settings:/etc/ssh/sshd_config']) expect(unknown, `${shell.join(' ')}: ${fact}`).toContain(fact);
      expect(f.unknown.find((u) => u.fact === 'packages')!.reason).toBe('dpkg-query not installed');
      // What builtins can still see is still seen: /proc/sys strings are read whole by the read builtin.
      expect(f.kernel).toBe(viaTransport.kernel);
      expect(f.files['/etc/no-such-file']).toEqual({ exists: false });
      expect(f.files['/etc/passwd']!.exists).toBe(true);
      expect(f.uptimeSeconds).toBeGreaterThan(0);
      expect(f.rebootRequired).toBe(existsSync('/run/reboot-required'));
      expect(f.services['nonexistent-plumb.service']!.state).toBe('not-found');
    }
  });

  it('reads unit states from the unit files when systemctl is missing, agreeing with systemctl', () => {
    const path = pathWithout(['systemctl'], join(tmp, 'no-systemctl'));
    const { facts: f } = runUnder(['/bin/dash'], { PATH: path });
    for (const u of units) expect(f.services[u]!.state, u).toBe(viaTransport.services[u]!.state);
  });

  it('marks exactly the facts of a hidden tool unknown; a tool with a stand-in leaves nothing unknown', () => {
    const existing = Object.entries(viaTransport.files).filter(([, m]) => m.exists);
    const noStat = [...existing.map(([p]) => `file:${p}`), ...existing.filter(([, m]) => !m.sha256).map(([p]) => `file:${p}:sha256`)];
    const cases: Array<[string[], string[]]> = [
      [['dpkg-query', 'dpkg'], ['packages']],
      [['ss'], ['listening']],
      [['sha256sum'], Object.entries(viaTransport.files).filter(([, m]) => m.type === 'file').map(([p]) => `file:${p}:sha256`)],
      [['stat'], noStat],
      [['stat', 'date'], [...noStat, 'gatheredAt']],
      // Stand-ins: date (stat tells the time), cat and stat (base64 per file), grep (cat per sysctl key, the read
      // builtin for Include lines, systemctl for unit files), base64 (only odd file names need it).
      [['date'], []],
      [['cat'], []],
      [['grep'], []],
      [['base64'], []],
    ];
    for (const [hidden, facts] of cases) {
      const path = pathWithout(hidden, join(tmp, hidden.join('-')));
      const { facts: f } = runUnder(['/bin/dash'], { PATH: path });
      const unknown = f.unknown.map((u) => u.fact).filter((u) => u !== 'sysctl:kernel.no_such_key');
      expect(unknown.sort(), hidden.join(',')).toEqual([...facts].sort());
      if (!facts.length) expect(stable(f), hidden.join(',')).toEqual(stable(viaTransport));
    }
  });

  it.skipIf(!isRoot)('reads the boot-time sysctl and modprobe configuration: the lines of the keys and modules asked, under every shell and without grep', () => {
    const tag = `zz-plumb-test-${process.pid}`;
    const sysFile = `/etc/sysctl.d/${tag}.conf`;
    const modFile = `/etc/modprobe.d/${tag}.conf`;
    const mod = `plumbtest${process.pid}`;
    writeFileSync(sysFile, `# a comment: net.ipv4.tcp_syncookies = 9\n net.ipv4.tcp_syncookies =  1 \nkernel.unasked = 5\nnet.ipv4.tcp_syncookies\n`);
    const madeModDir = !existsSync('/etc/modprobe.d');
    mkdirSync('/etc/modprobe.d', { recursive: true });
    writeFileSync(modFile, `install ${mod} /bin/false\nblacklist ${mod}\n# install ${mod} /bin/true\noptions ${mod} x=1\n`);
    try {
      const req: FactsRequest = { ...request, modules: [mod, 'plumb-no-such-module'] };
      // What systemd-sysctl and modprobe would read, found here independently: every *.conf of their directories.
      const expectedLines = (dirs: string[], extra: string, keep: (l: string) => string | undefined) => {
        const files = dirs.flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.conf')).sort().map((f) => join(d, f)) : [])).concat(existsSync(extra) ? [extra] : []);
        const real = files.filter((f) => !lstatSync(f).isSymbolicLink() || !files.some((g) => g !== f && !lstatSync(g).isSymbolicLink() && statSync(g).ino === statSync(f).ino));
        return real.flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((l) => (keep(l) ? [{ file: f, l }] : [])));
      };
      const sysExpected = expectedLines(['/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d'], '/etc/sysctl.conf', (l) => (/^\s*net\.ipv4\.tcp_syncookies\s*=/.test(l) ? 'y' : undefined)).map(({ file, l }) => ({ file, value: l.slice(l.indexOf('=') + 1).trim() }));
      const modExpected = expectedLines(['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/usr/lib/modprobe.d'], '/etc/modprobe.conf', (l) => (new RegExp(`^\\s*(install|blacklist)\\s+${mod}(\\s|$)`).test(l) ? 'y' : undefined)).map(({ file, l }) => ({ file, line: l }));
      expect(sysExpected).toContainEqual({ file: sysFile, value: '1' });
      expect(modExpected).toHaveLength(2);
      const shells = [['/bin/dash'], ['/bin/bash'], ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'sh']] : [])];
      for (const [shell, env] of [...shells.map((s) => [s, { PATH: process.env.PATH }] as const), [['/bin/dash'], { PATH: pathWithout(['grep'], join(tmp, 'nogrep-boot')) }] as const]) {
        const { facts: f } = runUnder([...shell], env, req);
        expect(f.sysctlBoot?.['net.ipv4.tcp_syncookies'], `${shell.join(' ')} ${env.PATH}`).toEqual(sysExpected);
        expect(f.kernelModules, shell.join(' ')).toEqual({ [mod]: modExpected, 'plumb-no-such-module': [] });
        expect(Object.keys(f.sysctlBoot ?? {}).sort()).toEqual([...request.sysctl].sort());
      }
    } finally {
      rmSync(sysFile, { force: true });
      rmSync(modFile, { force: true });
      if (madeModDir) rmSync('/etc/modprobe.d', { recursive: true, force: true });
    }
  });

  it('treats request values as data', () => {
    const marker = join(tmp, 'pwned');
    const hostile: FactsRequest = { files: [`/etc/$(touch ${marker})`, '/etc/`id`', '/etc/a;b', `/etc/x'$(touch ${marker})'`], contents: [], services: ['x;touch$IFS/tmp/p.service'], sysctl: [], settings: [] };
    const { facts: f } = runUnder(['/bin/dash'], { PATH: process.env.PATH }, hostile);
    expect(existsSync(marker)).toBe(false);
    expect(f.unknown.filter((u) => u.fact === 'request')).toHaveLength(5);
  });

  it('ships contents exactly, leaves out files over 256 KiB, and reads odd file names and files under /tmp through gather-nofollow.pl', () => {
    const dir = join(tmp, 'contents');
    mkdirSync(join(dir, 'conf.d'), { recursive: true });
    const exact = 'no newline at the end\r\n\ttabs, "quotes", {"t":"end"}\n\u00e9t\u00e9\n\nlast';
    writeFileSync(join(dir, 'exact.txt'), exact);
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(300 * 1024));
    writeFileSync(join(dir, 'main.conf'), `Include ${dir}/conf.d/*.conf\nMaxAuthTries 6\n`);
    writeFileSync(join(dir, 'conf.d', 'a b.conf'), 'MaxAuthTries 2\n');
    const req: FactsRequest = { files: [join(dir, 'exact.txt'), join(dir, 'big.txt')], contents: [join(dir, 'exact.txt'), join(dir, 'big.txt')], services: [], sysctl: [], settings: [{ file: join(dir, 'main.conf'), syntax: 'space', keys: ['MaxAuthTries'] }] };
    for (const shell of [['/bin/dash'], ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'sh']] : [])]) {
      const { facts: f } = runUnder(shell, { PATH: process.env.PATH }, req);
      expect(f.files[join(dir, 'exact.txt')]!.content, shell.join(' ')).toBe(exact);
      expect(f.files[join(dir, 'big.txt')]!.content).toBeUndefined();
      expect(f.unknown.find((u) => u.fact === `content:${join(dir, 'big.txt')}`)?.reason).toMatch(/larger than 256 KiB/);
      expect(f.settings[join(dir, 'main.conf')]).toEqual({ MaxAuthTries: '2' });
    }
  });
});

describe.skipIf(!isRoot)('gather never reads through a link, and hashes secrets on the host', () => {
  // A tree only root can change, with a home directory that the unprivileged user nobody owns inside it.
  const base = `/var/lib/plumb-gather-test-${process.pid}`;
  const home = `${base}/home/m`;
  const secret = 'hunter2-NEVER-LEAVES';
  const token = 'tok-NEVER-LEAVES';
  const shells = [['/bin/dash'], ['/bin/bash'], ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'sh']] : [])];
  const asNobody = (script: string) => execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sh', '-c', script]);
  beforeAll(() => {
    mkdirSync(home, { recursive: true });
    execFileSync('chown', ['nobody', home]);
    writeFileSync(`${base}/debian.cnf`, `[client]\nuser = debian-sys-maint\npassword = ${secret}\n`, { mode: 0o600 });
    writeFileSync(`${base}/app.conf`, `log_level = info\napi_token = ${token}\n# password = ${secret}\n`);
    asNobody(`cd ${home} && ln -s /etc/shadow notes.txt && ln -s /etc/ssh .config && printf 'theme = dark\n' > app.conf`);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const request: FactsRequest = {
    files: [`${home}/notes.txt`, `${base}/debian.cnf`],
    contents: [`${home}/app.conf`],
    services: [],
    sysctl: [],
    settings: [
      { file: `${base}/debian.cnf`, syntax: 'equals', keys: ['password', 'user'], hashed: ['password', 'user'] },
      { file: `${base}/app.conf`, syntax: 'equals', keys: ['log_level'] },
      { file: `${home}/.config/sshd_config`, syntax: 'space', keys: ['PermitRootLogin'] },
      { file: `${home}/app.conf`, syntax: 'equals', keys: ['theme'] },
    ],
  };

  it('reports a link as a link, reads settings redacted or by their lines, and sends no secret', () => {
    const shadowSum = execFileSync('sha256sum', ['/etc/shadow'], { encoding: 'utf8' }).split(' ')[0]!;
    for (const shell of shells) {
      const { facts: f, stdout } = runUnder(shell, { PATH: process.env.PATH }, request);
      const out = stdout.toString('latin1');
      expect(f.files[`${home}/notes.txt`], shell.join(' ')).toMatchObject({ exists: true, type: 'symlink', target: '/etc/shadow' });
      expect(f.files[`${home}/notes.txt`]!.sha256).toBeUndefined();
      expect(out).not.toContain(shadowSum);
      expect(out).not.toContain(readFileSync('/etc/shadow', 'latin1').split('\n')[0]!);
      expect(f.settings[`${base}/debian.cnf`]).toEqual({ password: `sensitive, sha256:${createHash('sha256').update(secret).digest('hex')}`, user: `sensitive, sha256:${createHash('sha256').update('debian-sys-maint').digest('hex')}` });
      expect(f.files[`${base}/debian.cnf`]).toMatchObject({ sensitive: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(f.settings[`${base}/app.conf`]).toEqual({ log_level: 'info' });
      for (const s of [secret, token, 'debian-sys-maint']) expect(out, `${shell.join(' ')}: ${s}`).not.toContain(s);
      // The settings file behind a directory the user swapped for a link to /etc/ssh is not read at all.
      expect(f.settings[`${home}/.config/sshd_config`]).toBeUndefined();
      expect(f.unknown.find((u) => u.fact === `settings:${home}/.config/sshd_config`)?.reason).toMatch(/parent .*\.config is a symbolic link to \/etc\/ssh/);
      expect(f.dirs?.[`${home}/.config`]).toMatchObject({ type: 'symlink', target: '/etc/ssh' });
      // A file in the user's own directory is read through descriptors (gather-nofollow.pl), exactly.
      expect(f.files[`${home}/app.conf`]!.content).toBe('theme = dark\n');
      expect(f.settings[`${home}/app.conf`]).toEqual({ theme: 'dark' });
    }
  });

  it('without perl, reads nothing it cannot read safely, and says why', () => {
    const path = pathWithout(['perl'], join(tmpdir(), `plumb-noperl-${process.pid}`));
    try {
      const { facts: f, stdout } = runUnder(['/bin/dash'], { PATH: path }, request);
      expect(f.settings[`${base}/app.conf`]).toEqual({ log_level: 'info' });
      expect(f.settings[`${base}/debian.cnf`]).toBeUndefined();
      expect(f.files[`${home}/app.conf`]!.content).toBeUndefined();
      expect(f.unknown.find((u) => u.fact === `content:${home}/app.conf`)?.reason).toMatch(/perl is needed/);
      expect(stdout.toString('latin1')).not.toContain(secret);
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync('/usr/sbin/sshd') || !isRoot)('sshd_config settings agree with sshd -T', () => {
  it('follows Include and Match the way sshd does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-sshdT-'));
    try {
      mkdirSync(join(dir, 'conf.d'));
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'hk')]);
      writeFileSync(join(dir, 'sshd_config'), `HostKey ${dir}/hk\nInclude ${dir}/conf.d/*.conf sshd_config.d/*.conf\nX11Forwarding yes\nMaxAuthTries 7\npermitrootlogin=no\nMatch User bob\n  PasswordAuthentication yes\n`);
      writeFileSync(join(dir, 'conf.d/10-a.conf'), 'LoginGraceTime 33\nMaxSessions 4\nMatch User alice\n  MaxAuthTries 2\n');
      writeFileSync(join(dir, 'conf.d/20-b.conf'), 'X11Forwarding no\nBanner "/etc/issue.net"\n');
      const keys = ['X11Forwarding', 'MaxAuthTries', 'LoginGraceTime', 'MaxSessions', 'PermitRootLogin', 'PasswordAuthentication', 'Banner'];
      const req: FactsRequest = { files: [join(dir, 'sshd_config')], contents: [], services: [], sysctl: [], settings: [{ file: join(dir, 'sshd_config'), syntax: 'space', keys }] };
      const ours = runUnder(['/bin/dash'], { PATH: process.env.PATH }, req).facts.settings[join(dir, 'sshd_config')]!;
      mkdirSync('/run/sshd', { recursive: true });
      const truth = Object.fromEntries(
        execFileSync('/usr/sbin/sshd', ['-T', '-f', join(dir, 'sshd_config')], { encoding: 'utf8' })
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]),
      );
      expect(ours.PasswordAuthentication).toBeNull();
      for (const k of keys) if (ours[k] !== null) expect(`${k} ${ours[k]}`, k).toBe(`${k} ${truth[k.toLowerCase()]}`);
      expect(ours).toMatchObject({ X11Forwarding: 'no', MaxAuthTries: '7', LoginGraceTime: '33', MaxSessions: '4', PermitRootLogin: 'no', Banner: '/etc/issue.net' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
