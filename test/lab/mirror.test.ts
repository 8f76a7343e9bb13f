import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { MirrorInfo } from '../../engine/lab/index.js';
import { claimHost, describeLab, onHost } from './skip.js';

/**
 * The internal signed mirror: what mirror.json promises is in it, checked with the real tools (dpkg for
 * version order, gpgv for the signature, apt on a host for installability).
 */

const dpkgNewer = (a: string, b: string) => spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0;

describeLab('plumb lab: mirror', (lab) => {
  it('lists the security updates pending for the image, each newer than the installed version by dpkg’s own order', async () => {
    const info = lab();
    const m = JSON.parse(readFileSync(info.mirror.mirrorJsonPath, 'utf8')) as MirrorInfo;
    expect(m.url).toBe(info.mirror.url);
    expect(m.codename).toBe('plumb-bookworm');
    expect(m.securityUpdates.length).toBeGreaterThan(0);
    const installed = await onHost(info, info.hosts[0]!, "dpkg-query -W -f '${Package} ${Version}\\n'");
    for (const u of m.securityUpdates) {
      expect(installed, `${u.package} ${u.imageVersion} is what the image has`).toContain(`${u.package} ${u.imageVersion}\n`);
      expect(dpkgNewer(u.fixedVersion, u.imageVersion), `${u.fixedVersion} > ${u.imageVersion}`).toBe(true);
      expect(existsSync(join(info.mirror.dir, u.filename)), u.filename).toBe(true);
      expect(u.source).toMatch(/^[a-z0-9][a-z0-9+.-]+$/);
      for (const c of u.cves) expect(c).toMatch(/^CVE-\d{4}-\d{4,}$/);
    }
    // Changelogs are read where the .deb carries one: at least some updates name their CVEs.
    expect(m.securityUpdates.some((u) => u.cves.length > 0)).toBe(true);
    expect(m.testPackages.map((t) => `${t.package} ${t.version}`).sort()).toEqual([
      'plumb-broken 1.0-1',
      'plumb-conflict-a 1.0-1',
      'plumb-conflict-b 1.0-1',
      'plumb-demo-agent 1.0-1',
      'plumb-demo-agent 1.0-2',
      'telnetd 0.17+plumb1',
    ]);
    expect(m.testPackages.find((t) => t.version === '1.0-2')?.cves).toEqual(['CVE-2099-0001']);
  });

  it('is signed by the lab key (gpgv) and indexes every package it lists', () => {
    const info = lab();
    const dist = join(info.mirror.dir, 'dists', info.mirror.codename);
    const v = spawnSync('gpgv', ['--keyring', info.mirror.keyPath, join(dist, 'InRelease')], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toContain(info.mirror.keyFingerprint.slice(-16));
    const index = readFileSync(join(dist, 'main', `binary-${info.mirror.architectures[0]}`, 'Packages'), 'utf8');
    for (const p of info.mirror.packages) expect(index).toContain(`Filename: ${p.filename}\n`);
  });

  it('installs every security update on a host (nothing missing), and keeps the image versions for downgrades', async () => {
    const info = lab();
    const claimed = await claimHost(info);
    try {
      const sim = await onHost(info, claimed.host, 'apt-get update -q >/dev/null && apt-get -s dist-upgrade');
      const planned = [...sim.matchAll(/^Inst (\S+) \[(\S+)\] \((\S+) /gm)].map((x) => `${x[1]} ${x[3]}`).sort();
      expect(planned).toEqual(info.mirror.securityUpdates.map((u) => `${u.package} ${u.fixedVersion}`).sort());
      const up = await onHost(info, claimed.host, "apt-get -y -q dist-upgrade >/dev/null 2>&1; echo $?; dpkg-query -W -f '${Package} ${Version}\\n'");
      expect(up.split('\n')[0]).toBe('0');
      for (const u of info.mirror.securityUpdates) expect(up).toContain(`${u.package} ${u.fixedVersion}\n`);
      const back = info.mirror.securityUpdates.find((u) => u.imageFilename && u.package === 'libpcre2-8-0') ?? info.mirror.securityUpdates.find((u) => u.imageFilename);
      if (back) {
        const down = await onHost(info, claimed.host, `apt-get install -y -q --allow-downgrades ${back.package}=${back.imageVersion} >/dev/null 2>&1; dpkg-query -W -f '\${Version}' ${back.package}`);
        expect(down).toBe(back.imageVersion);
      }
    } finally {
      await claimed.release();
    }
  });

  it('carries test packages that behave as documented: upgrade, enabled units, a listening telnetd, a failing postinst, conflicts', async () => {
    const info = lab();
    const claimed = await claimHost(info);
    try {
      const run = (s: string) => onHost(info, claimed.host, s);
      await run('apt-get update -q >/dev/null');
      expect(await run('apt-get install -y -q plumb-demo-agent=1.0-1 >/dev/null 2>&1; systemctl is-enabled plumb-demo-agent.service; grep ^listen /etc/plumb-demo-agent.conf')).toBe('enabled\nlisten = 0.0.0.0:7070\n');
      expect(await run("apt-get install -y -q plumb-demo-agent >/dev/null 2>&1; dpkg-query -W -f '${Version}' plumb-demo-agent; echo; grep ^listen /etc/plumb-demo-agent.conf")).toBe('1.0-2\nlisten = 127.0.0.1:7070\n');
      expect(await run('apt-get install -y -q telnetd >/dev/null 2>&1; systemctl is-enabled telnetd.socket; setsid -f /usr/sbin/in.telnetd -debug 2323 </dev/null >/dev/null 2>&1; sleep 0.5; ss -Hltn "sport = :2323" | wc -l')).toBe('enabled\n1\n');
      expect(await run("apt-get install -y -q plumb-conflict-a >/dev/null 2>&1; apt-get install -y -q plumb-conflict-b >/dev/null 2>&1; dpkg-query -W -f '${Package} ${db:Status-Abbrev}\\n' 'plumb-conflict-*' | grep ' ii'")).toBe('plumb-conflict-b ii \n');
      expect(await run("apt-get install -y -q plumb-broken >/dev/null 2>&1; echo $?; dpkg-query -W -f '${db:Status-Abbrev}' plumb-broken")).toBe('100\niF ');
    } finally {
      await claimed.release();
    }
  });
});
