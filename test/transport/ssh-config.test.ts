import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSshConfig } from '../../engine/transport/ssh/config/load.js';
import { resolveSettings } from '../../engine/transport/ssh/config/resolve.js';

// plumb's reading of ssh_config against the real OpenSSH: `ssh -G` prints what ssh would use for a host.
const skip = existsSync('/usr/bin/ssh') ? undefined : 'the OpenSSH client is not installed';
if (skip) console.warn(`test/transport/ssh-config.test.ts skipped: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), 'plumb-sshcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

mkdirSync(join(dir, 'conf.d'));
writeFileSync(join(dir, 'conf.d', '10-web.conf'), 'Host web*\n  HostName %h.example.org\n  IdentityFile /keys/%r@%h:%p\n  Port 2201\nHost *\n  User never-from-include\n');
writeFileSync(join(dir, 'conf.d', '20-db.conf'), 'Host db?\n  ProxyJump jump@bastion:2222\n  ConnectTimeout 4\n');
const CONFIG = join(dir, 'config');
writeFileSync(
  CONFIG,
  `# a config in the shapes ssh_config(5) documents
Host bastion
  HostName 192.0.2.1
  User jump
  Port=2222
  IdentityFile ~/.ssh/bastion_%h_%r
  IdentityAgent \${HOME}/agent.sock

Host *.internal !db.internal
  ProxyJump bastion,second:2200
  ConnectTimeout 7
  User deploy

Match originalhost app*.internal user deploy
  Port 2022

Include ${join(dir, 'conf.d')}/*.conf

Host "quoted host" alias
  HostName 198.51.100.7
  IdentityAgent SSH_AUTH_SOCK

Match host 198.51.100.*
  User matched-by-hostname

Host legacy
  ProxyJump none
  IdentityAgent none

Host *
  IdentityFile ~/.ssh/id_default
  User fallback
`,
);

function sshG(host: string, extra: string[] = []): Record<string, string[]> {
  const out = execFileSync('ssh', ['-G', '-F', CONFIG, ...extra, host], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const r: Record<string, string[]> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0) (r[line.slice(0, i)] ??= []).push(line.slice(i + 1));
  }
  return r;
}

describe.skipIf(skip)('ssh_config: plumb resolves what ssh -G says', () => {
  const { items, problems } = loadSshConfig(CONFIG, userInfo().homedir);
  const cases: Array<{ host: string; user?: string; port?: number }> = [
    { host: 'bastion' },
    { host: 'app1.internal' },
    { host: 'api.internal' },
    { host: 'db.internal' },
    { host: 'web1' },
    { host: 'web2', user: 'ops', port: 22 },
    { host: 'dbx' },
    { host: 'alias' },
    { host: 'legacy' },
    { host: 'Plain.Example.ORG' },
    { host: 'app2.internal', port: 2500 },
  ];
  it('reads the file and its includes without problems', () => expect(problems).toEqual([]));
  for (const c of cases) {
    it(`${c.host}${c.user ? ` -l ${c.user}` : ''}${c.port ? ` -p ${c.port}` : ''}`, () => {
      const extra = [...(c.user ? ['-l', c.user] : []), ...(c.port ? ['-p', String(c.port)] : [])];
      const real = sshG(c.host, extra);
      const ours = resolveSettings(items, { host: c.host, user: c.user, port: c.port, localUser: userInfo().username });
      expect({
        hostname: ours.hostname,
        user: ours.user ?? userInfo().username,
        port: String(ours.port ?? 22),
        identityfile: ours.identityFiles,
        identityagent: ours.identityAgent?.replace(/\$\{HOME\}/g, process.env.HOME ?? ''),
        proxyjump: ours.proxyJump?.toLowerCase() === 'none' ? undefined : ours.proxyJump, // ssh -G leaves ProxyJump none out
        connecttimeout: ours.connectTimeout === undefined ? 'none' : String(ours.connectTimeout),
      }).toEqual({
        hostname: real.hostname![0],
        user: real.user![0],
        port: real.port![0],
        identityfile: real.identityfile,
        identityagent: real.identityagent?.[0],
        proxyjump: real.proxyjump?.[0],
        connecttimeout: real.connecttimeout![0],
      });
    });
  }
});

describe('ssh_config plumb will not follow: located problems', () => {
  const bad = (text: string) => {
    const f = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    writeFileSync(f, text);
    return loadSshConfig(f, '/nonexistent').problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  };
  it('refuses commands, unsupported Match criteria and broken lines', () => {
    expect(bad('Host *\n  Match exec "test -f /tmp/x"\n')).toEqual([expect.stringMatching(/^2:3 Match exec runs a command/)]);
    expect(bad('Host a\n  ProxyCommand nc %h %p\n')).toEqual([expect.stringMatching(/^2:3 ProxyCommand runs a command/)]);
    expect(bad('Host a\n  ProxyCommand none\n')).toEqual([]);
    expect(bad('Host a\n  KnownHostsCommand /bin/true\n  LocalCommand id\n')).toEqual([expect.stringMatching(/^2:3 KnownHostsCommand/), expect.stringMatching(/^3:3 LocalCommand/)]);
    expect(bad('Match canonical\n')).toEqual([expect.stringMatching(/^1:1 Match canonical is not supported/)]);
    expect(bad('Match host\n')).toEqual([expect.stringMatching(/needs a pattern list/)]);
    expect(bad('Host a\n  HostName "unclosed\n')).toEqual([expect.stringMatching(/^2:3 HostName: unterminated quote/)]);
    expect(bad('Include /nonexistent-dir/*.conf\nHost a\n')).toEqual([]);
  });
});
