import { createHash } from 'node:crypto';

/**
 * What counts as a secret by default, and how a secret is shown. Pure. A secret's value never leaves the host: the
 * host hashes it (engine/facts), and every output — facts, plans, pull-request comments, snapshots, the ledger,
 * reports, errors — carries only its label, `sensitive, sha256:<hex>`.
 */

/** A setting key whose value is a secret unless the desired state says otherwise. */
export const SENSITIVE_KEY = /password|passwd|secret|token|credential|private|key/i;

/** File names that hold secrets wherever they are: password hashes, private keys, stored credentials. */
const SENSITIVE_NAMES = [
  /^g?shadow-?$/,
  /^opasswd$/,
  /\.(key|keytab|p12|pfx|jks|keystore)$/,
  /^ssh_host_.*_key$/,
  /^id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/,
  /^\.netrc$/,
  /^debian\.cnf$/,
  /^\.pgpass$/,
  /^\.my\.cnf$/,
];
/** Directories whose every file is a secret. */
const SENSITIVE_DIRS = ['/etc/ssl/private/'];

export function sensitivePathByName(path: string): boolean {
  if (SENSITIVE_DIRS.some((d) => path.startsWith(d))) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return SENSITIVE_NAMES.some((re) => re.test(name));
}

/** PEM (and OpenSSH) private key blocks: a `*.pem` or any other file whose desired content holds one is sensitive. */
export function holdsPrivateKey(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/.test(text);
}

export const LABEL_PREFIX = 'sensitive, sha256:';

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** How a secret is shown everywhere: its kind and its sha256, never the value. */
export function label(value: string): string {
  return `${LABEL_PREFIX}${sha256Hex(value)}`;
}

export function labelOfHash(hex: string): string {
  return `${LABEL_PREFIX}${hex}`;
}

export function isLabel(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.startsWith(LABEL_PREFIX) && /^[0-9a-f]{64}$/.test(value.slice(LABEL_PREFIX.length));
}

/** A value as it may be shown: its label when it is a secret (a label stays a label). */
export function shown(value: string, sensitive: boolean | undefined): string {
  return sensitive && !isLabel(value) ? label(value) : value;
}
