import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyModel, type HostEntry, type JumpHostEntry } from '../../../model/types.js';
import { resolveRoutes, SshConfigInvalid } from './routes.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const src = (file: string, line: number) => ({ file, line, col: 1, pointer: '/hosts/0', commit: null });
const PIN = (c: string) => `SHA256:${c.repeat(43)}`;

function model(config: string, hosts: Array<Partial<HostEntry>>, jumps: Array<Partial<JumpHostEntry>> = []) {
  const f = join(dir, `cfg-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, config);
  const m = emptyModel(null);
  m.sshConfig = { path: f, source: src('inventory/ssh.yaml', 1) };
  for (const h of hosts) m.hosts.set(h.name!, { system: 's', baseline: 'b', ring: 'r', source: src('inventory/hosts.yaml', 3), ...h } as HostEntry);
  for (const j of jumps) m.jumpHosts.set(j.name!, { source: { ...src('inventory/ssh.yaml', 5), pointer: '/jump_hosts/0' }, ...j } as JumpHostEntry);
  return { m, f };
}

describe('routes from an ssh_config', () => {
  it('chains jump hosts, the first hop following its own ProxyJump, and pins every hop', () => {
    const { m } = model(
      'Host 10.9.0.*\n  ProxyJump bastion,inner\nHost bastion\n  HostName 192.0.2.1\n  ProxyJump edge\nHost edge\n  HostName 192.0.2.254\n  User gate\nHost inner\n  HostName 10.9.0.1\n',
      [{ name: 'app', address: '10.9.0.5', host_keys: [PIN('a')], user: 'plumb' }],
      [{ name: 'bastion', host_keys: [PIN('b')] }, { name: 'edge', host_keys: [PIN('e')] }, { name: 'inner', address: '10.9.0.1', host_keys: [PIN('i')] }],
    );
    const r = resolveRoutes(m, m.hosts.values(), { env: {}, home: dir, localUser: 'root', localHost: 'ctl' }).get('app')!;
    expect(r.hops.map((h) => [h.label, h.host, h.user, h.pins])).toEqual([
      ['edge', '192.0.2.254', 'gate', [PIN('e')]],
      ['bastion', '192.0.2.1', undefined, [PIN('b')]],
      ['inner', '10.9.0.1', undefined, [PIN('i')]],
    ]);
    expect(r.target).toMatchObject({ label: 'app', host: '10.9.0.5', user: 'plumb', pins: [PIN('a')] });
  });

  it('an unpinned hop stays unpinned (the connection refuses it: no trust on first use)', () => {
    const { m } = model('Host 10.9.0.5\n  ProxyJump somewhere\n', [{ name: 'app', address: '10.9.0.5', host_keys: [PIN('a')] }]);
    const r = resolveRoutes(m, m.hosts.values(), { env: {}, home: dir, localUser: 'root', localHost: 'ctl' }).get('app')!;
    expect(r.hops).toEqual([expect.objectContaining({ label: 'somewhere', pins: [] })]);
  });

  it('a loop in ProxyJump is a located problem, and so is a command', () => {
    const { m, f } = model('Host a\n  ProxyJump b\nHost b\n  ProxyJump c\nHost c\n  ProxyJump a\n', [{ name: 'x', address: 'a' }]);
    const e = (() => {
      try {
        resolveRoutes(m, m.hosts.values(), { env: {}, home: dir, localUser: 'root', localHost: 'ctl' });
      } catch (err) {
        return err as SshConfigInvalid;
      }
    })()!;
    expect(e).toBeInstanceOf(SshConfigInvalid);
    expect(e.problems.map((p) => `${p.file === f}:${p.line} ${p.message}`)).toEqual(['true:6 ProxyJump makes a loop: a → b → c → a']);
    const cmd = model('Host *\n  ProxyCommand ssh -W %h:%p gw\n', [{ name: 'x', address: 'a' }]);
    expect(() => resolveRoutes(cmd.m, cmd.m.hosts.values())).toThrow(SshConfigInvalid);
  });

  it('a missing config file is located at the inventory line that names it', () => {
    const m = emptyModel(null);
    m.sshConfig = { path: '/nonexistent/ssh_config', source: src('inventory/ssh.yaml', 7) };
    m.hosts.set('x', { name: 'x', address: 'a', system: 's', baseline: 'b', ring: 'r', source: src('inventory/hosts.yaml', 3) } as HostEntry);
    try {
      resolveRoutes(m, m.hosts.values());
      expect.unreachable();
    } catch (e) {
      expect((e as SshConfigInvalid).problems).toEqual([expect.objectContaining({ file: 'inventory/ssh.yaml', line: 7 })]);
    }
  });
});
