import type { HostEntry } from '../model/types.js';
import type { Route } from './ssh/config/routes.js';
import type { JumpCache } from './ssh/jump.js';
import { openLocal } from './local/index.js';
import { openSsh } from './ssh/index.js';

export { shellQuote, shellJoin } from './shell.js';
export { TransportPool } from './pool.js';
export { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_OUTPUT_BYTES } from './defaults.js';

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
}

export interface ExecOptions {
  stdin?: string | Buffer;
  /** Overrides ConnectOptions.commandTimeoutMs for this command. */
  timeoutMs?: number;
  /** Run as root: through `sudo -n` when the login user is not root or the host says `sudo: true`. */
  privileged?: boolean;
  /** Standard output beyond this gives the host up (OutputTooLarge) and kills the command; default 64 MiB. */
  maxOutputBytes?: number;
  /** Called as output arrives (bytes so far); a promise returned holds the stream until it settles (backpressure). */
  onOutput?: (bytes: number) => Promise<void> | undefined;
}

/** One host, one connection, many commands. Commands are single strings for the remote login shell; quote with shellQuote. */
export interface Transport {
  readonly host: string;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Private key file; defaults: host.identity_file, then $PLUMB_SSH_KEY, then ~/.ssh/id_ed25519. '' uses no key file. */
  identityFile?: string;
  /** Passphrase of an encrypted key file; defaults to $PLUMB_SSH_KEY_PASSPHRASE. Never logged. */
  passphrase?: string;
  /** ssh-agent socket; defaults to $SSH_AUTH_SOCK. Pass '' to not use an agent. */
  agent?: string;
  /** TCP connect + handshake + authentication; default 10 s. */
  connectTimeoutMs?: number;
  /** Per command, unless exec() says otherwise; default 10 min (package installs are slow). */
  commandTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s) and how many may go unanswered (default 4) before the connection counts as lost. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Login user when the host names none; default root. */
  user?: string;
  /** Per host name, how to reach it when an ssh_config says so (jump hosts, HostName, User …): resolveRoutes. */
  routes?: ReadonlyMap<string, Route>;
  /** Shared connections to jump hosts (a TransportPool makes one and closes it). */
  jumps?: JumpCache;
  /** There is no trust on first use: host keys are pinned in the inventory (`plumb hosts trust`). */
  trustOnFirstUse?: never;
}

/** SSH unless the inventory says `transport: local`. */
export function openTransport(host: HostEntry, opts: ConnectOptions = {}): Promise<Transport> {
  return host.transport === 'local' ? openLocal(host, opts) : openSsh(host, opts);
}
