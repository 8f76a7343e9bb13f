import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labDown, labNames, labRoots, labUp, type LabInfo } from '../../engine/lab/index.js';
import { acquireLock } from '../../engine/lab/lock.js';
import { findOnPath } from '../../engine/lab/preflight.js';
import { plumb, traces } from './cli.js';
import { describeLabMachine } from './skip.js';

/**
 * The failures `plumb lab` must explain (issue item 5): not root, a missing tool, a stale lock, a busy lab,
 * a port in use, a lab already up, and a `down` after `up` was killed midway. Each in a lab of its own.
 */

const lab = (suffix: string) => `e${process.pid}${suffix}`;
const roots = labRoots();
/** Tests that start a lab may build the image first (on a fresh machine): give them time for it. */
const FIRST_BUILD = 20 * 60_000;
let scratch: string;

describeLabMachine('plumb lab: clear errors', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'plumb-lab-errors-'));
  });
  afterAll(async () => {
    for (const s of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await labDown({ name: lab(s) }).catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  });

  it('says root is needed, and makes nothing, when run as another user', () => {
    const r = plumb(['lab', 'up', '--name', lab('a'), '--hosts', '1'], { asUser: 'nobody' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^plumb: error: `plumb lab up` needs root \(running as uid 65534\)/m);
    expect(r.stderr).toMatch(/hint: run it as root/);
    expect(existsSync(labNames(lab('a'), roots).dir)).toBe(false);
  });

  it('names a tool missing from PATH and where it is installed, and makes nothing', async () => {
    // A PATH with everything `up` runs except ssh-keygen.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    // (with the image tools too, in case this runs before the image is cached)
    for (const t of ['ip', 'nsenter', 'unshare', 'mount', 'mknod', 'chroot', 'tar', 'python3', 'dpkg', 'dpkg-query', 'debootstrap', 'gpg', 'gpgconf', 'apt-get', 'apt-ftparchive', 'dpkg-deb']) {
      const p = findOnPath(t);
      if (p) symlinkSync(p, join(bin, t));
    }
    const r = plumb(['lab', 'up', '--name', lab('b'), '--hosts', '1'], { env: { PATH: bin } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the lab needs ssh-keygen, which is installed in \/usr\/bin but not on PATH/);
    expect(existsSync(labNames(lab('b'), roots).dir)).toBe(false);

    // The same through the API, with the stable code.
    const saved = process.env.PATH;
    process.env.PATH = bin;
    try {
      await expect(labUp({ name: lab('b'), hosts: 1 })).rejects.toMatchObject({ code: 'E_LAB_TOOL_MISSING', data: { offPath: [{ tool: 'ssh-keygen' }] } });
    } finally {
      process.env.PATH = saved;
    }
  });

  it('explains a stale lock, points at `down`, and `down` clears it', () => {
    const names = labNames(lab('c'), roots);
    mkdirSync(roots.stateRoot, { recursive: true });
    writeFileSync(names.lockPath, JSON.stringify({ pid: 999_999_999, startTime: 1, command: 'up', since: '2025-06-01T10:00:00.000Z' }));
    const up = plumb(['lab', 'up', '--name', lab('c'), '--hosts', '1']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/has a stale lock: `plumb lab up` \(pid 999999999, started 2025-06-01T10:00:00.000Z\) is no longer running/);
    expect(up.stderr).toContain(`hint: run \`plumb lab down --name ${lab('c')}\``);
    const status = plumb(['lab', 'status', '--name', lab('c')]);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/stale lock/);
    const down = plumb(['lab', 'down', '--name', lab('c')]);
    expect(down.code, down.stderr).toBe(0);
    expect(existsSync(names.lockPath)).toBe(false);
  });

  it('says which command holds a busy lab', async () => {
    const names = labNames(lab('d'), roots);
    const lock = await acquireLock(names.lockPath, { subject: `lab '${lab('d')}'`, lab: lab('d'), command: 'up' });
    try {
      const r = plumb(['lab', 'up', '--name', lab('d'), '--hosts', '1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`lab '${lab('d')}' is busy: \`plumb lab up\` \\(pid ${process.pid}\\)`));
    } finally {
      lock.release();
    }
  });

  it('says the mirror port is in use, and leaves nothing running', async () => {
    const server: Server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '0.0.0.0', () => resolve((server.address() as { port: number }).port)));
    try {
      const r = plumb(['lab', 'up', '--name', lab('e'), '--hosts', '2', '--mirror-port', String(port)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on 10\\.[0-9.]+:${port}: the port is already in use`));
      expect(r.stderr).toMatch(/--mirror-port/);
      const info = JSON.parse(readFileSync(labNames(lab('e'), roots).labJson, 'utf8')) as LabInfo;
      expect(info.status).toBe('failed');
      expect(await traces(info)).toEqual([]);
      const status = plumb(['lab', 'status', '--name', lab('e')]);
      expect(status.stdout).toMatch(/failed/);
    } finally {
      server.close();
    }
    expect(plumb(['lab', 'down', '--name', lab('e')]).code).toBe(0);
  }, FIRST_BUILD);

  it('refuses `up` on a lab that is up, and recreates it with --replace', () => {
    const first = plumb(['lab', 'up', '--name', lab('f'), '--hosts', '1', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const again = plumb(['lab', 'up', '--name', lab('f'), '--hosts', '2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`lab '${lab('f')}' is already up with 1 host`));
    const inventory = join(scratch, 'lab-inventory.yaml');
    const replaced = plumb(['lab', 'up', '--name', lab('f'), '--hosts', '2', '--replace', '--json', '--inventory-out', inventory]);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect((JSON.parse(replaced.stdout) as LabInfo).hosts).toHaveLength(2);
    expect(readFileSync(inventory, 'utf8')).toContain(`name: ${lab('f')}-2`);
    expect(plumb(['lab', 'down', '--name', lab('f')]).code).toBe(0);
    // The copy the lab wrote goes with it.
    expect(existsSync(inventory)).toBe(false);
  }, FIRST_BUILD);

  it('says the Debian archive cannot be reached, and leaves no half-built image', () => {
    const cache = join(scratch, 'cache');
    const r = plumb(['lab', 'image', '--cache-dir', cache, '--debian-mirror', 'http://127.0.0.1:9/debian', '--security-mirror', 'http://127.0.0.1:9/debian-security']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot fetch from the Debian archive at http:\/\/127\.0\.0\.1:9\/debian/);
    expect(r.stderr).toMatch(/hint: check network access to the archive, or point at a reachable mirror with --debian-mirror/);
    expect(readdirSync(join(cache, 'images'))).toEqual([]);
  });

  it('cleans up with `down` after `up` was killed (-9) midway', async () => {
    const names = labNames(lab('g'), roots);
    const child = spawn(process.execPath, [join(import.meta.dirname, '../../dist/engine/cli/main.js'), 'lab', 'up', '--name', lab('g'), '--hosts', '5'], { stdio: 'ignore' });
    // Kill it once some host processes exist: namespaces, links and processes are half made.
    // (the first run on a machine builds the image before any host starts: allow for that)
    let info: LabInfo | null = null;
    for (const deadline = Date.now() + 15 * 60_000; Date.now() < deadline; ) {
      try {
        info = JSON.parse(readFileSync(names.labJson, 'utf8')) as LabInfo;
        if (info.hosts.some((h) => h.pid)) break;
      } catch {
        /* not written yet */
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(info?.status).toBe('starting');
    info = JSON.parse(readFileSync(names.labJson, 'utf8')) as LabInfo;
    expect((await traces(info)).length).toBeGreaterThan(0);

    expect(plumb(['lab', 'up', '--name', lab('g'), '--hosts', '1']).stderr).toMatch(/stale lock/);
    const down = plumb(['lab', 'down', '--name', lab('g')]);
    expect(down.code, down.stderr).toBe(0);
    expect(await traces(info)).toEqual([]);
    expect(existsSync(names.dir)).toBe(false);
    expect(existsSync(names.lockPath)).toBe(false);
  }, FIRST_BUILD);
});
