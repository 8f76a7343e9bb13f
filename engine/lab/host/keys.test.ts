import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../preflight.js';
import { fingerprintOf, makeHostKeys } from './keys.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-lab-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!findOnPath('ssh-keygen'))('host keys (against the real ssh-keygen)', () => {
  it('computes the same SHA256 fingerprints as ssh-keygen -lf, for both key types', async () => {
    const keys = await makeHostKeys(dir, 'lab-1');
    expect(keys.hostKeys.map((k) => k.split(' ')[0])).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256']);
    for (const [i, t] of (['ed25519', 'ecdsa'] as const).entries()) {
      const out = execFileSync('ssh-keygen', ['-lf', join(dir, `ssh_host_${t}_key.pub`), '-E', 'sha256'], { encoding: 'utf8' });
      expect(keys.fingerprints[i]).toBe(out.split(' ')[1]);
      expect(keys.fingerprints[i]).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    }
  });
});

describe('fingerprintOf', () => {
  it('refuses what is not a public key line', () => {
    expect(() => fingerprintOf('garbage')).toThrow();
  });
});
