import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostExec, type LabInfo } from '../../engine/lab/index.js';
import { spawnDetached } from '../../engine/lab/proc.js';
import { canConnect } from '../../engine/lab/mirror/server.js';
import { plumb, traces } from './cli.js';
import { describeLabMachine } from './skip.js';

/**
 * The "done when", through the built CLI and the plain OpenSSH client: `plumb lab up --hosts 3`;
 * strict-host-key ssh to every host; apt resolves from the signed mirror and refuses a tampered one;
 * `plumb lab down` leaves no namespace, mount, veth or process. A lab of its own, since it ends with `down`.
 */

const NAME = `d${process.pid}`;
let info: LabInfo;
let scratch: string;

describeLabMachine('plumb lab: the "done when" scenario', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'plumb-lab-done-'));
    const r = plumb(['lab', 'up', '--name', NAME, '--hosts', '3', '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stderr).toBe(0);
    info = JSON.parse(r.stdout) as LabInfo;
  }, 30 * 60_000);

  afterAll(() => {
    plumb(['lab', 'down', '--name', NAME]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const sshTo = (address: string, command: string, knownHosts = info.knownHostsPath) =>
    spawnSync(
      'ssh',
      ['-i', info.keyPath, '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `root@${address}`, command],
      { encoding: 'utf8', timeout: 120_000 },
    );

  it('starts 3 hosts and writes key, known_hosts, ssh_config and inventory', () => {
    expect(info.hosts.map((h) => h.name)).toEqual([`${NAME}-1`, `${NAME}-2`, `${NAME}-3`]);
    for (const p of [info.keyPath, info.knownHostsPath, info.sshConfigPath, info.inventoryPath]) expect(existsSync(p), p).toBe(true);
    expect(spawnSync('stat', ['-c', '%a', info.keyPath], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    expect(readFileSync(info.inventoryPath, 'utf8')).toContain(`host_keys:\n      - ${info.hosts[0]!.fingerprints[0]}`);
  });

  it('lets plain ssh in to every host with strict host key checking against the lab known_hosts', () => {
    for (const h of info.hosts) {
      const r = sshTo(h.address, 'hostname');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(h.name);
      const byName = spawnSync('ssh', ['-F', info.sshConfigPath, '-o', 'BatchMode=yes', h.name, 'id -un'], { encoding: 'utf8' });
      expect(byName.stdout.trim(), byName.stderr).toBe('root');
    }
  });

  it('refuses a host whose key is not the pinned one', () => {
    // known_hosts that gives host 1's address the keys of host 2.
    const [a, b] = info.hosts;
    const wrong = join(scratch, 'known_hosts_wrong');
    writeFileSync(wrong, b!.hostKeys.map((k) => `${a!.address} ${k}\n`).join(''));
    const r = sshTo(a!.address, 'true', wrong);
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('resolves apt-get install -s plumb-demo-agent from the signed mirror, its only source', () => {
    const h = info.hosts[0]!;
    const r = sshTo(h.address, 'apt-get update && apt-get install -s plumb-demo-agent && apt-cache policy');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Inst plumb-demo-agent \(1\.0-2 Plumbline lab mirror:plumb-bookworm \[all\]\)$/m);
    const sources = [...r.stdout.matchAll(/^\s+\d+ (http\S+) /gm)].map((m) => m[1]);
    expect(new Set(sources)).toEqual(new Set([info.mirror.url.replace(/\/$/, '')]));
    expect(r.stderr).not.toMatch(/^W: /m);
  });

  it('fails apt-get update when the mirror signature is broken (and succeeds on an intact copy)', async () => {
    // Copies of the lab's mirror served on a second port, so the lab itself is never tampered with.
    const port = info.mirror.port + 1000 + (process.pid % 1000);
    const serve = async (dir: string) => {
      const pid = await spawnDetached('/usr/bin/python3', ['-m', 'http.server', String(port), '--bind', info.controlAddress, '--directory', dir], join(scratch, 'http.log'));
      for (let i = 0; i < 200 && !(await canConnect(info.controlAddress, port)); i++) await new Promise((r) => setTimeout(r, 25));
      return pid;
    };
    const update = async (label: string) => {
      const h = info.hosts[1]!;
      const lists = `/tmp/lists-${label}`;
      const list = `/tmp/${label}.list`;
      const script = `mkdir -p ${lists}/partial && echo 'deb [signed-by=/etc/apt/keyrings/plumb-lab-mirror.gpg] http://${info.controlAddress}:${port}/ plumb-bookworm main' > ${list} && apt-get -o Dir::Etc::SourceList=${list} -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists=${lists} update`;
      return hostExec(info, h.name, script);
    };
    for (const variant of ['intact', 'tampered'] as const) {
      const dir = join(scratch, variant);
      cpSync(info.mirror.dir, dir, { recursive: true });
      if (variant === 'tampered') {
        const inRelease = join(dir, 'dists/plumb-bookworm/InRelease');
        writeFileSync(inRelease, readFileSync(inRelease, 'utf8').replace('Label: Plumbline lab mirror', 'Label: Plumbline lab mirrox'));
        const release = join(dir, 'dists/plumb-bookworm/Release');
        writeFileSync(release, readFileSync(release, 'utf8').replace('Label: Plumbline lab mirror', 'Label: Plumbline lab mirrox'));
      }
      const pid = await serve(dir);
      try {
        const r = await update(variant);
        if (variant === 'intact') {
          expect(r.code, r.stderr).toBe(0);
        } else {
          expect(r.code).not.toBe(0);
          expect(r.stdout + r.stderr).toMatch(/BADSIG|signatures were invalid|is not signed/);
        }
      } finally {
        process.kill(pid, 'SIGKILL');
      }
    }
  });

  it('plumb lab down leaves no namespace, mount, veth or process, and can run again', async () => {
    const down = plumb(['lab', 'down', '--name', NAME]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`^lab '${NAME}' removed`));
    expect(await traces(info)).toEqual([]);
    const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    expect(netns).not.toContain(`plumb-${NAME}-`);
    expect(readFileSync('/proc/mounts', 'utf8')).not.toContain(info.stateDir);
    expect(existsSync(info.stateDir)).toBe(false);
    const again = plumb(['lab', 'down', '--name', NAME]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`lab '${NAME}': nothing to remove\n`);
  });
});
