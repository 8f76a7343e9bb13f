import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdSkipReason, startSshd, type TestSshd } from './sshd.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/engine/cli/main.js');
const skip = sshdSkipReason();
if (skip) console.warn(`test/transport/trust.test.ts skipped: ${skip}`);

/** The real CLI, built by `npm run build`, against a copy of the example organization with one reachable host. */
describe.skipIf(skip)('plumb hosts trust and plumb facts over a real sshd', () => {
  let sshd: TestSshd;
  let repo: string;
  let hostsFile: string;
  const plumb = (...args: string[]) => {
    const r = spawnSync('node', [cli, '-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: '', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    sshd = await startSshd();
    repo = mkdtempSync(join(tmpdir(), 'plumb-trust-'));
    for (const d of ['inventory', 'baselines', 'remediations']) cpSync(join(root, d), join(repo, d), { recursive: true });
    hostsFile = join(repo, 'inventory/hosts.yaml');
    writeFileSync(
      hostsFile,
      `${readFileSync(hostsFile, 'utf8')}  # The control machine's own sshd, for this test.
  - name: sshd-lab
    address: 127.0.0.1
    port: ${sshd.port}          # a free port picked by the test
    identity_file: ${sshd.clientKey}
    system: intranet
    baseline: debian-12-server
    ring: pilot
`,
    );
  });
  afterAll(async () => {
    await sshd?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('refuses to gather from a host without a pinned key, pointing at plumb hosts trust', () => {
    const r = plumb('facts', 'sshd-lab');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no pinned SSH host key/);
    expect(r.err).toMatch(/plumb hosts trust sshd-lab/);
    expect(r.err).not.toMatch(/at .*\.js:\d+/);
  });

  it('asks for confirmation it cannot get without a terminal, and changes nothing', () => {
    const before = readFileSync(hostsFile, 'utf8');
    const r = plumb('hosts', 'trust', 'sshd-lab');
    expect(r.code).toBe(1);
    expect(r.out).toContain(sshd.hostKeyFingerprint);
    expect(r.err).toMatch(/--fingerprint/);
    expect(readFileSync(hostsFile, 'utf8')).toBe(before);
  });

  it('refuses a --fingerprint the host does not present, and changes nothing', () => {
    const before = readFileSync(hostsFile, 'utf8');
    const r = plumb('hosts', 'trust', 'sshd-lab', '--fingerprint', 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not pinned|expected/);
    expect(readFileSync(hostsFile, 'utf8')).toBe(before);
  });

  it('pins the confirmed key in the declaring file, keeping comments, and the inventory stays valid', () => {
    const before = readFileSync(hostsFile, 'utf8');
    const r = plumb('hosts', 'trust', 'sshd-lab', '--fingerprint', sshd.hostKeyFingerprint);
    expect(r.code, r.err).toBe(0);
    const after = readFileSync(hostsFile, 'utf8');
    // Byte for byte the same file plus one line: comments, alignment and flow style untouched.
    const added = after.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(added).toEqual([`    host_keys: ["${sshd.hostKeyFingerprint}"]`]);
    expect(after.replace(`${added[0]}\n`, '')).toBe(before);
    expect(plumb('validate').code).toBe(0);
    expect(plumb('hosts', 'trust', 'sshd-lab', '--yes').out).toMatch(/already pinned/);
  });

  it('gathers facts that agree with the host itself', () => {
    const r = plumb('facts', 'sshd-lab', '--json');
    expect(r.code, r.err).toBe(0);
    const snap = JSON.parse(r.out);
    const f = snap.hosts['sshd-lab'];
    expect(f.os.id).toBe(execFileSync('sh', ['-c', '. /etc/os-release; echo $ID'], { encoding: 'utf8' }).trim());
    expect(f.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    const truth = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}\t${Package}\t${Version}\t${source:Package}\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => /^.i/.test(l))
      .map((l) => l.split('\t'));
    expect(Object.values(f.packages as Record<string, unknown>).filter((p) => (p as { status: string }).status === 'installed').length).toBe(truth.length);
    for (const [, name, version, source] of truth) {
      expect(f.packages[name!]?.version).toBe(version);
      expect(f.packages[name!]?.source).toBe(source);
    }
    // The sshd that answered is listening, and the baseline's settings were evaluated.
    expect(f.listening.some((s: { port: number }) => s.port === sshd.port)).toBe(true);
    expect(Object.keys(f.settings['/etc/ssh/sshd_config'])).toEqual(expect.arrayContaining(['PermitRootLogin', 'MaxAuthTries']));
    expect(f.files['/etc/shadow']).toMatchObject({ exists: true, owner: 'root', group: 'shadow' });
  });

  it('writes a snapshot that records unreachable hosts too', () => {
    const out = join(repo, 'facts.json');
    const r = plumb('facts', '--ring', 'pilot', '--out', out, '--connect-timeout', '1');
    expect(r.code).toBe(1);
    const snap = JSON.parse(readFileSync(out, 'utf8'));
    expect(snap.version).toBe(2);
    expect(Object.keys(snap.hosts)).toEqual(['sshd-lab']);
    expect(Object.keys(snap.errors).sort()).toEqual(['payroll-web-01', 'wiki-01']);
  });
});
