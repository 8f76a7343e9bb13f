import { PlumbError } from './base.js';

/**
 * Failures of reaching a host or running a command on it. Messages name the host and what to do; they never
 * carry key material or passphrases.
 */

/** The inventory pins no host key for this host: there is no trust on first use. */
export class HostKeyUnpinned extends PlumbError {
  constructor(host: string, presented: string, keyType: string) {
    super('E_HOSTKEY_UNPINNED', `host '${host}' has no pinned SSH host key; it presented ${keyType} ${presented}`, {
      hint: `compare the fingerprint out of band (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then run \`plumb hosts trust ${host}\``,
      data: { host, presented, keyType },
    });
  }
}

/** The host presented a key that is not pinned: possibly a man in the middle. Nothing was sent. */
export class HostKeyMismatch extends PlumbError {
  constructor(host: string, expected: string[], presented: string, keyType: string) {
    super('E_HOSTKEY_MISMATCH', `host '${host}' presented ${keyType} ${presented}, which is not pinned (expected ${expected.join(' or ')}); refused without authenticating`, {
      hint: 'if the host was really reinstalled, verify the new key out of band and update host_keys in the inventory; otherwise treat this as an attack',
      data: { host, expected, presented, keyType },
    });
  }
}

/** Refused, unreachable, DNS failure, handshake timeout, or the connection was lost. */
export class SshConnectError extends PlumbError {
  constructor(host: string, detail: string, opts: { hint?: string; cause?: unknown } = {}) {
    super('E_SSH_CONNECT', `cannot connect to '${host}': ${detail}`, {
      hint: opts.hint ?? 'check the address and port in the inventory, that sshd runs, and that the network allows the connection',
      data: { host },
      cause: opts.cause,
    });
  }
}

/**
 * The connection had been up and broke (a network cut, the host went away, keepalives unanswered): what a command
 * sent before did on the host is unknown until plumb looks again. Not "cannot connect": the address was fine.
 */
export class SshConnectionLost extends PlumbError {
  constructor(host: string, detail: string, opts: { cause?: unknown } = {}) {
    super('E_SSH_LOST', `the connection to '${host}' was lost after it was up: ${detail}`, {
      hint: 'a network cut or the host going away; what was running there is examined again when the host can be reached',
      data: { host },
      cause: opts.cause,
    });
  }
}

/** Whether an error says the transport to a host broke or timed out (the outcome of the command is unknown), not that the command failed. */
export function isTransportLoss(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === 'E_SSH_LOST' || code === 'E_SSH_CONNECT' || code === 'E_COMMAND_TIMEOUT';
}

/** No usable credential, or the server refused every one offered. */
export class SshAuthError extends PlumbError {
  constructor(host: string, detail: string, hint?: string) {
    super('E_SSH_AUTH', `authentication to '${host}' failed: ${detail}`, {
      hint: hint ?? 'check identity_file / $PLUMB_SSH_KEY / ssh-agent, and that the public key is in the user\'s authorized_keys on the host',
      data: { host },
    });
  }
}

/** A command ran longer than allowed and was stopped. */
export class CommandTimeout extends PlumbError {
  constructor(host: string, timeoutMs: number, what: string) {
    super('E_COMMAND_TIMEOUT', `command on '${host}' did not finish within ${Math.round(timeoutMs / 100) / 10}s: ${what}`, {
      hint: 'the host may be overloaded or the command hangs waiting for input; raise the timeout only if the command is known to be slow',
      data: { host, timeoutMs },
    });
  }
}

/** sudo -n wanted a password (or the user may not use sudo). */
export class SudoRefused extends PlumbError {
  constructor(host: string, user: string, detail: string) {
    super('E_SUDO', `sudo on '${host}' refused to run a privileged command as '${user}': ${detail}`, {
      hint: `allow '${user}' passwordless sudo (a NOPASSWD rule in /etc/sudoers.d/) or connect as root`,
      data: { host, user },
    });
  }
}

/** The facts script's output could not be read at all (not a single valid record, or no end marker). */
export class FactsUnreadable extends PlumbError {
  constructor(host: string, detail: string) {
    super('E_FACTS', `facts from '${host}' could not be read: ${detail}`, {
      hint: 'run `plumb facts HOST --json` with PLUMB_DEBUG=1 to see the raw output; the host needs a POSIX sh',
      data: { host },
    });
  }
}

/** A saved facts snapshot (facts.json) is missing, unreadable or not in the documented format. */
export class FactsSnapshotInvalid extends PlumbError {
  constructor(file: string, detail: string) {
    super('E_FACTS_SNAPSHOT', `${file}: not a facts snapshot: ${detail}`, {
      hint: 'create one with `plumb facts --all --out facts.json` (format: engine/facts/README.md)',
      data: { file },
    });
  }
}

/** Recording a trusted host key into the inventory failed. */
export class HostTrustError extends PlumbError {
  constructor(message: string, hint?: string) {
    super('E_TRUST', message, { hint });
  }
}
