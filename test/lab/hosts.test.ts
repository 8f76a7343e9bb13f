import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parseYaml } from '../../engine/model/yaml.js';
import { validateDocument } from '../../engine/model/validate.js';
import { labStatus } from '../../engine/lab/index.js';
import { claimHost, describeLab, onHost, ssh } from './skip.js';

/** What a lab host is (on the shared lab of the test run): the standard image, reachable only from here, reached over real SSH. */

describeLab('plumb lab: hosts', (lab) => {
  it('are up and answer on SSH, each with its own name, host keys and machine-id', async () => {
    const info = lab();
    const status = await labStatus({ name: info.name });
    expect(status.status).toBe('up');
    const seen = new Set<string>();
    for (const h of info.hosts) {
      const r = ssh(info, h, 'hostname; cat /etc/machine-id; ls /etc/ssh/ | grep -c "^ssh_host_.*_key$"; ls /etc/ssh/ssh_host_rsa_key 2>/dev/null | wc -l');
      expect(r.code, r.stderr).toBe(0);
      const [name, machineId, keys, rsa] = r.stdout.trim().split('\n');
      expect(name).toBe(h.name);
      expect([keys, rsa]).toEqual(['2', '0']);
      seen.add(machineId!);
      seen.add(h.fingerprints[0]!);
    }
    expect(seen.size).toBe(info.hosts.length * 2);
  });

  it('run the image’s own sshd as PID 1 of their own PID namespace, with proc, sys, a pty-capable dev and tmpfs run/tmp', async () => {
    const info = lab();
    const h = info.hosts[0]!;
    const out = await onHost(info, h, 'cat /proc/1/comm; findmnt -rn -o TARGET,FSTYPE');
    expect(out.split('\n')[0]).toBe('sshd');
    expect(out).toMatch(/^\/ overlay$/m);
    for (const m of ['/proc proc', '/sys sysfs', '/dev tmpfs', '/dev/pts devpts', '/run tmpfs', '/tmp tmpfs']) expect(out).toContain(m);
    const tty = spawnSync('ssh', ['-F', info.sshConfigPath, '-tt', h.name, 'tty'], { encoding: 'utf8' });
    expect(tty.stdout.trim()).toMatch(/^\/dev\/pts\/\d+$/);
  });

  it('reach the control machine and nothing else: no default route, no neighbour hosts, no outside', async () => {
    const info = lab();
    const [a, b] = info.hosts;
    const probe = (addr: string, port: number) => `timeout 3 bash -c 'echo > /dev/tcp/${addr}/${port}' 2>/dev/null && echo open || echo closed`;
    const out = await onHost(info, a!, `ip -4 route; ${probe(info.controlAddress, info.mirror.port)}; ${probe(b!.address, 22)}; ${probe('192.0.2.1', 80)}; ${probe('1.1.1.1', 443)}`);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(`${info.subnet} dev eth0 proto kernel scope link src ${a!.address} `);
    expect(lines.slice(-4)).toEqual(['open', 'closed', 'closed', 'closed']);
  });

  it('have the user plumb with the lab key and passwordless sudo', () => {
    const info = lab();
    const r = ssh(info, info.hosts[0]!, 'id -un; sudo -n id -un', 'plumb');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('plumb\nroot\n');
  });

  it('have what facts gathering uses, and systemd unit state that works offline', async () => {
    const info = lab();
    const claimed = await claimHost(info);
    try {
      const out = await onHost(
        info,
        claimed.host,
        'command -v ss sysctl dpkg-query apt-get systemctl sudo rsync >/dev/null && echo tools; for a in enable is-enabled mask is-enabled unmask disable is-enabled; do systemctl $a rsync.service 2>/dev/null | grep -v "^Created\\|^Removed"; done; test -x /usr/sbin/policy-rc.d && /usr/sbin/policy-rc.d; echo policy=$?',
      );
      expect(out.split('\n')).toEqual(['tools', 'enabled', 'masked', 'disabled', 'policy=101', '']);
    } finally {
      await claimed.release();
    }
  });

  it('go back to the standard image on reset, keeping address and host keys', async () => {
    const info = lab();
    const claimed = await claimHost(info);
    await onHost(info, claimed.host, 'touch /root/changed && dpkg --purge --force-all rsync >/dev/null 2>&1; test -e /root/changed');
    await claimed.release();
    const r = ssh(info, claimed.host, 'test -e /root/changed && echo changed || echo pristine; dpkg-query -W -f "\\${Status}" rsync');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('pristine\ninstall ok installed');
  });

  it('are listed in an inventory the project schema accepts, with pinned host keys', () => {
    const info = lab();
    const parsed = parseYaml(info.inventoryPath, readFileSync(info.inventoryPath));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(validateDocument('inventory', parsed.doc)).toEqual([]);
    const hosts = (parsed.doc.value as { hosts: Array<{ name: string; address: string; host_keys: string[]; ring: string }> }).hosts;
    expect(hosts.map((h) => [h.name, h.address, h.host_keys])).toEqual(info.hosts.map((h) => [h.name, h.address, h.fingerprints]));
    expect(hosts[0]!.ring).toBe('pilot');
    expect(new Set(hosts.slice(1).map((h) => h.ring))).toEqual(new Set(['broad']));
  });
});
