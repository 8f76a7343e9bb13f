import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributesCommand, backupCommand, backupInput, compareBackupCommand, parseBackupOutput, REFUSED_STATUS, restoreCommand, writeFileCommand } from '../../engine/apply/host-commands.js';

/**
 * engine/apply/safe-path.pl on this machine, as root, in a tree of its own with a real unprivileged user (nobody)
 * planting links: every refusal of the walk, and a loop swapping a directory for a link while plumb writes. The same
 * attacks against lab hosts over SSH are in test/security/.
 */
const isRoot = process.getuid?.() === 0;
const base = `/var/lib/plumb-safe-path-test-${process.pid}`;
const home = `${base}/home/m`;
const run = (command: string, stdin = ''): { code: number; stdout: Buffer; stderr: string } => {
  const r = spawnSync('/bin/sh', ['-c', command], { input: stdin });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
};
const asNobody = (script: string) => {
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sh', '-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};
const shadow = () => ({ st: statSync('/etc/shadow'), text: readFileSync('/etc/shadow', 'utf8') });

describe.skipIf(!isRoot)('safe-path.pl (symlink-safe file changes) on this machine', () => {
  let before: ReturnType<typeof shadow>;
  beforeAll(() => {
    mkdirSync(home, { recursive: true, mode: 0o755 });
    chownSync(home, 65534, 65534);
    before = shadow();
  });
  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    rmSync(`/var/lib/plumbline/backups/safe-path-test-${process.pid}`, { recursive: true, force: true });
    // Whatever happened, /etc/shadow is what it was.
    const after = shadow();
    expect(after.text).toBe(before.text);
    expect([after.st.mode, after.st.uid, after.st.gid]).toEqual([before.st.mode, before.st.uid, before.st.gid]);
  });

  it('writes through a checked walk, with the declared owner allowed to own the home directory', () => {
    const r = run(writeFileCommand(`${home}/notes.txt`, { mode: '0600', owner: 'nobody' }), 'hello\n');
    expect(r.code, r.stderr).toBe(0);
    const st = lstatSync(`${home}/notes.txt`);
    expect([st.mode & 0o7777, st.uid, readFileSync(`${home}/notes.txt`, 'utf8')]).toEqual([0o600, 65534, 'hello\n']);
  });

  it('refuses a home directory whose owner is not the declared one', () => {
    const r = run(writeFileCommand(`${home}/other.txt`, { mode: '0600' }), 'x');
    expect(r.code).toBe(REFUSED_STATUS);
    expect(r.stderr).toMatch(/parent .*\/home\/m is owned by nobody, not by root/);
    expect(existsSync(`${home}/other.txt`)).toBe(false);
  });

  it('never changes mode or owner through a link the user planted', () => {
    asNobody(`cd ${home} && rm -f notes.txt && ln -s /etc/shadow notes.txt`);
    const r = run(attributesCommand(`${home}/notes.txt`, { mode: '0777', owner: 'nobody' }));
    expect(r.code).toBe(REFUSED_STATUS);
    expect(r.stderr).toMatch(/notes\.txt is a symbolic link to \/etc\/shadow/);
    const w = run(writeFileCommand(`${home}/notes.txt`, { mode: '0644', owner: 'nobody' }), 'x');
    expect(w.code).toBe(REFUSED_STATUS);
    expect(lstatSync(`${home}/notes.txt`).isSymbolicLink()).toBe(true);
  });

  it('refuses a parent directory swapped for a link, saying where it points', () => {
    asNobody(`cd ${home} && ln -s /etc/apt/apt.conf.d .config`);
    const r = run(writeFileCommand(`${home}/.config/app.conf`, { owner: 'nobody' }), 'DPkg::Pre-Invoke { "touch /tmp/pwned"; };\n');
    expect(r.code).toBe(REFUSED_STATUS);
    expect(r.stderr).toMatch(/parent .*\/home\/m\/\.config is a symbolic link to \/etc\/apt\/apt\.conf\.d/);
    expect(existsSync('/etc/apt/apt.conf.d/app.conf')).toBe(false);
    // The backup step checks every path before it copies anything: the whole host is refused untouched.
    const b = run(backupCommand(`safe-path-test-${process.pid}`), backupInput([{ path: `${home}/.config/app.conf`, owner: 'nobody', content: true }]));
    expect(b.code).toBe(REFUSED_STATUS);
  });

  it('refuses directories writable by others, and hard links in a directory a user can write', () => {
    mkdirSync(`${base}/open`, { mode: 0o777 });
    run(`chmod 0777 ${base}/open`);
    expect(run(writeFileCommand(`${base}/open/x`, {}), 'x').stderr).toMatch(/writable by others \(mode 0777\)/);
    writeFileSync(`${base}/secret`, 'root only\n', { mode: 0o600 });
    run(`ln ${base}/secret ${home}/hard`);
    const r = run(attributesCommand(`${home}/hard`, { mode: '0666', owner: 'nobody' }));
    expect(r.code).toBe(REFUSED_STATUS);
    expect(r.stderr).toMatch(/2 hard links/);
    expect(statSync(`${base}/secret`).mode & 0o777).toBe(0o600);
  });

  it('backs up, prints the content asked for, compares and restores', () => {
    const id = `safe-path-test-${process.pid}`;
    writeFileSync(`${base}/conf`, 'a = 1\n', { mode: 0o640 });
    const b = run(backupCommand(id), backupInput([{ path: `${base}/conf`, content: true }, { path: `${base}/new`, content: true }]));
    expect(b.code, b.stderr).toBe(0);
    expect([...parseBackupOutput(b.stdout)]).toEqual([[`${base}/conf`, 'a = 1\n'], [`${base}/new`, null]]);
    expect(run(writeFileCommand(`${base}/conf`, {}), 'a = 2\n').code).toBe(0);
    expect(statSync(`${base}/conf`).mode & 0o777).toBe(0o640);
    expect(run(writeFileCommand(`${base}/new`, {}), 'n').code).toBe(0);
    expect(run(compareBackupCommand(id)).stdout.toString('utf8').trim().split('\n').sort()).toEqual([`${base}/conf`, `${base}/new`]);
    expect(run(restoreCommand(id)).code).toBe(0);
    expect(readFileSync(`${base}/conf`, 'utf8')).toBe('a = 1\n');
    expect(existsSync(`${base}/new`)).toBe(false);
    expect(run(compareBackupCommand(id)).stdout.toString('utf8')).toBe('');
  });

  it('holds the directory it checked while a loop swaps it for a link: never writes through the link', async () => {
    asNobody(`cd ${home} && rm -f .config && mkdir -p real`);
    mkdirSync(`${base}/target`, { mode: 0o755 });
    // The user's loop: .config is a real directory one moment and a link to a root-owned directory the next.
    const loop = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sh', '-c', `cd ${home}; while :; do ln -sfn ${base}/target .config.l; mv -T .config.l .config; rm -f .config; mkdir .config 2>/dev/null; done`], { stdio: 'ignore' });
    try {
      let written = 0;
      let refused = 0;
      for (let i = 0; i < 40; i++) {
        const r = run(writeFileCommand(`${home}/.config/app.conf`, { owner: 'nobody' }), `attempt ${i}\n`);
        if (r.code === 0) written++;
        else if (r.code === REFUSED_STATUS) refused++;
      }
      expect(written + refused).toBeGreaterThan(0);
    } finally {
      loop.kill('SIGKILL');
    }
    expect(existsSync(`${base}/target/app.conf`)).toBe(false);
  });
});
