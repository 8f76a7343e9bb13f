import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshAuthError } from '../../errors/index.js';
import type { HostEntry } from '../../model/types.js';
import type { ConnectOptions } from '../index.js';
import { ssh2 } from './library.js';

export interface Credentials {
  privateKey?: Buffer;
  passphrase?: string;
  agent?: string;
  /** For messages: which sources were used (paths and "ssh-agent"), never key material. */
  sources: string[];
}

/**
 * Key file and agent, in the documented order. A key file that was named explicitly must be readable; the
 * default ~/.ssh/id_ed25519 is only used when it exists. The key is parsed here so that a wrong passphrase or a
 * non-key file gets a clear error instead of ssh2's, and so that nothing is sent when there is no credential.
 */
export function resolveCredentials(host: HostEntry, opts: ConnectOptions, env: NodeJS.ProcessEnv = process.env): Credentials {
  const named = opts.identityFile ?? host.identity_file ?? (env.PLUMB_SSH_KEY || undefined);
  const fallback = path.join(env.HOME || os.homedir(), '.ssh', 'id_ed25519');
  // identityFile: '' means "no key file, agent only".
  const file = named === '' ? undefined : (named ?? (fs.existsSync(fallback) ? fallback : undefined));
  const agent = opts.agent ?? (env.SSH_AUTH_SOCK || undefined);
  const creds: Credentials = { sources: [] };

  if (file) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      throw new SshAuthError(host.name, `cannot read the identity file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'set identity_file in the inventory, $PLUMB_SSH_KEY or --identity to a readable private key');
    }
    const passphrase = opts.passphrase ?? (env.PLUMB_SSH_KEY_PASSPHRASE || undefined);
    const parsed = ssh2().utils.parseKey(bytes, passphrase);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!(key instanceof Error) && (!key || !key.isPrivateKey())) {
      throw new SshAuthError(host.name, `the identity file ${file} holds no private key (a .pub file?)`, 'point to the private half of the key pair');
    }
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase|bad decrypt/i.test(parsed.message);
      throw new SshAuthError(
        host.name,
        encrypted ? `the identity file ${file} is encrypted and ${passphrase === undefined ? 'no passphrase was given' : 'the passphrase does not open it'}` : `the identity file ${file} is not a private key plumb can read`,
        encrypted ? 'load the key into ssh-agent (ssh-add) or set $PLUMB_SSH_KEY_PASSPHRASE' : 'use an OpenSSH or PEM private key (ed25519, ecdsa or rsa)',
      );
    }
    creds.privateKey = bytes;
    creds.passphrase = passphrase;
    creds.sources.push(file);
  }
  if (agent) {
    creds.agent = agent;
    creds.sources.push('ssh-agent');
  }
  if (!creds.sources.length) {
    throw new SshAuthError(host.name, 'no private key and no ssh-agent', `set identity_file for the host, $PLUMB_SSH_KEY, create ${fallback}, or start ssh-agent`);
  }
  return creds;
}
