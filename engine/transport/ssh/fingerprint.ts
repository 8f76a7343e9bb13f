import { createHash } from 'node:crypto';

/** OpenSSH's SHA256 fingerprint of a public key blob, exactly as `ssh-keygen -lf` prints it (base64, no padding). */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH wire-format public key blob (ssh-ed25519, ecdsa-sha2-nistp256 …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > keyBlob.length) return 'unknown';
  const type = keyBlob.subarray(4, 4 + len).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : 'unknown';
}

export interface PresentedKey {
  keyType: string;
  fingerprint: string;
}

export function describeKey(keyBlob: Buffer): PresentedKey {
  return { keyType: keyTypeOf(keyBlob), fingerprint: fingerprintOf(keyBlob) };
}
