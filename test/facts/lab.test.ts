import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { gatherAll } from '../../engine/facts/gather.js';
import { loadRepository } from '../../engine/model/load.js';
import type { HostEntry } from '../../engine/model/types.js';
import { openTransport, TransportPool } from '../../engine/transport/index.js';
import { describeLab, onHost } from '../lab/skip.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** Facts from the lab's real Debian hosts over the ssh2 transport, checked against the hosts themselves (read via nsenter, not SSH). */
describeLab('facts from lab hosts over ssh2', (lab) => {
  const entries = (): HostEntry[] =>
    lab().hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      host_keys: h.fingerprints,
      identity_file: lab().keyPath,
      system: 'intranet',
      baseline: 'debian-12-server',
      ring: 'pilot',
      source: { file: 'inventory/lab.yaml', line: 1, col: 1, pointer: '', commit: null },
    }));

  it('gathers every host in one connection each, agreeing with what the host itself says', async () => {
    const { model } = await loadRepository(repo);
    const hosts = entries();
    const pool = new TransportPool({ agent: '' });
    const { facts, errors } = await gatherAll(hosts, model, { pool, concurrency: 4 });
    await pool.closeAll();
    expect([...errors.values()].map((e) => e.message)).toEqual([]);
    expect(pool.connections).toBe(hosts.length);
    for (const h of lab().hosts) {
      const f = facts.get(h.name)!;
      const truth = await onHost(
        lab(),
        h,
        `. /etc/os-release; echo "$ID $VERSION_ID"; uname -r; stat -c '%a %U %G' /etc/shadow; cat /proc/sys/net/ipv4/tcp_syncookies; dpkg-query -W -f '\${db:Status-Abbrev}\\t\${Package}\\t\${Version}\\t\${source:Package}\\t\${source:Version}\\n'`,
      );
      const [os, kernel, shadow, syncookies, ...pkgLines] = truth.trim().split('\n');
      expect(`${f.os?.id} ${f.os?.versionId}`).toBe(os);
      expect(f.kernel).toBe(kernel);
      expect(`${f.files['/etc/shadow']!.mode!.replace(/^0/, '')} ${f.files['/etc/shadow']!.owner} ${f.files['/etc/shadow']!.group}`).toBe(shadow);
      expect(f.sysctl['net.ipv4.tcp_syncookies']).toBe(syncookies);
      const installed = pkgLines.map((l) => l.split('\t')).filter(([abbrev]) => /^.i/.test(abbrev!));
      expect(installed.length).toBeGreaterThan(50);
      for (const [, name, version, source, sourceVersion] of installed) {
        expect(f.packages![name!], name).toMatchObject({ version, source, sourceVersion, status: 'installed' });
      }
      expect(f.services['ssh.service']!.state).toMatch(/^(enabled|disabled|static)$/);
      expect(f.listening!.some((s) => s.port === h.port && s.proto === 'tcp')).toBe(true);
      expect(f.unknown).toEqual([]);
    }
  });

  it('refuses a lab host whose pin does not match, before authenticating', async () => {
    const [first, second] = entries();
    if (!second) return;
    const err = await openTransport({ ...first!, host_keys: second.host_keys }, { agent: '' }).then(
      () => undefined,
      (e: { code?: string }) => e.code,
    );
    expect(err).toBe('E_HOSTKEY_MISMATCH');
  });
});
