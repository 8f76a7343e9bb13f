import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from './credentials.js';
import { fingerprintOf, keyTypeOf } from './fingerprint.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-fp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const host = { name: 'h', address: '127.0.0.1', system: 's', baseline: 'b', ring: 'r', source: { file: 'f', line: 1, col: 1, pointer: '', commit: null } };
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('host key fingerprints', () => {
  it.each(['ed25519', 'ecdsa', 'rsa'])('match ssh-keygen -lf for %s keys', (type) => {
    const file = join(dir, `k_${type}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
    const pub = readFileSync(`${file}.pub`, 'utf8').split(' ');
    const blob = Buffer.from(pub[1]!, 'base64');
    const printed = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprintOf(blob)).toBe(printed);
    expect(keyTypeOf(blob)).toBe(pub[0]);
  });
  it('names no type for a blob that is not a key', () => {
    expect(keyTypeOf(Buffer.from([0, 0, 0, 200, 1]))).toBe('unknown');
  });
});

describe('credentials', () => {
  it('refuses an unreadable, encrypted or non-key identity file without echoing it', () => {
    const enc = join(dir, 'enc');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-passphrase', '-f', enc]);
    expect(codeOf(() => resolveCredentials(host, { identityFile: join(dir, 'missing'), agent: '' }, {}))).toBe('E_SSH_AUTH');
    expect(codeOf(() => resolveCredentials(host, { identityFile: `${enc}.pub`, agent: '' }, {}))).toBe('E_SSH_AUTH');
    let message = '';
    try {
      resolveCredentials(host, { identityFile: enc, passphrase: 'wrong', agent: '' }, {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/encrypted/);
    expect(message).not.toMatch(/wrong|PRIVATE KEY/);
    expect(resolveCredentials(host, { identityFile: enc, passphrase: 'secret-passphrase', agent: '' }, {}).sources).toEqual([enc]);
  });
  it('takes the key from $PLUMB_SSH_KEY and the agent from $SSH_AUTH_SOCK', () => {
    const k = join(dir, 'k_ed25519');
    expect(resolveCredentials(host, {}, { PLUMB_SSH_KEY: k, SSH_AUTH_SOCK: '/run/agent.sock', HOME: dir }).sources).toEqual([k, 'ssh-agent']);
  });
});
