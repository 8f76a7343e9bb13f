import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { run } from '../proc.js';

/** SSH keys of the lab: fresh host keys per host at every `up` (ed25519 and ecdsa; RSA is slow to make and not needed), one client key per lab. */

/** The OpenSSH SHA256 fingerprint of a public key line (`type base64 [comment]`), as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (!blob) throw new Error(`not an OpenSSH public key: ${publicKeyLine.slice(0, 40)}`);
  return `SHA256:${createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

export type KeyType = 'ed25519' | 'ecdsa';

export async function generateKey(path: string, type: KeyType, comment: string): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', type, ...(type === 'ecdsa' ? ['-b', '256'] : []), '-N', '', '-C', comment, '-f', path], {
    what: `generating an ${type} key (ssh-keygen)`,
  });
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

export interface HostKeys {
  /** `type base64` of each key, ed25519 first. */
  hostKeys: string[];
  fingerprints: string[];
}

/** Host keys written as /etc/ssh/ssh_host_{ed25519,ecdsa}_key(.pub) below `sshDir`. */
export async function makeHostKeys(sshDir: string, hostName: string): Promise<HostKeys> {
  const lines = await Promise.all((['ed25519', 'ecdsa'] as const).map((t) => generateKey(`${sshDir}/ssh_host_${t}_key`, t, `root@${hostName}`)));
  const hostKeys = lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '));
  return { hostKeys, fingerprints: hostKeys.map(fingerprintOf) };
}
