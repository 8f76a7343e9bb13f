import { constants as osConstants } from 'node:os';
import PQueue from 'p-queue';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { CommandTimeout, HostKeyMismatch, HostKeyUnpinned, PlumbError, SshAuthError, SshConnectError, SshConnectionLost } from '../../errors/index.js';
import type { HostEntry } from '../../model/types.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_KEEPALIVE_COUNT_MAX, DEFAULT_KEEPALIVE_INTERVAL_MS } from '../defaults.js';
import type { ConnectOptions, ExecOptions, ExecResult, Transport } from '../index.js';
import { OutputCollector } from '../output.js';
import { checkSudo, needsSudo, summarize, withSudo } from '../privilege.js';
import { resolveCredentials } from './credentials.js';
import type { Endpoint } from './config/routes.js';
import { describeKey, type PresentedKey } from './fingerprint.js';
import { connectHops, connectRoute, forward } from './jump.js';
import { ssh2 } from './library.js';

/** OpenSSH allows 10 sessions per connection (MaxSessions); stay below it. */
const CHANNELS_PER_CONNECTION = 8;

/**
 * Connects, checks the host key against the inventory's pins during key exchange (before any credential is
 * sent), authenticates with key file and/or agent, and returns a transport that runs every command of the host
 * over this one connection.
 */
export async function openSsh(host: HostEntry, opts: ConnectOptions = {}): Promise<Transport> {
  const route = opts.routes?.get(host.name);
  const user = (route ? route.target.user : host.user) ?? opts.user ?? 'root';
  const client = route
    ? await connectRoute(route, opts)
    : await connectEndpoint(
        { label: host.name, host: host.address, port: host.port ?? 22, user, identityFile: host.identity_file, pins: host.host_keys ?? [] },
        opts,
      );
  return new SshTransport(host.name, client, {
    sudo: needsSudo(user, host.sudo),
    user,
    commandTimeoutMs: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
  });
}

/**
 * One SSH connection to an endpoint — directly, or over `sock` (a channel a jump host forwarded): the presented
 * host key is checked against the endpoint's pins during key exchange, before any credential is sent, then the
 * key file and/or agent authenticate. Agent forwarding is never requested.
 */
export async function connectEndpoint(e: Endpoint, opts: ConnectOptions, sock?: Duplex): Promise<Client> {
  const creds = resolveCredentials({ name: e.label, identity_file: e.identityFile } as HostEntry, { ...opts, agent: opts.agent ?? e.agent });
  let refusal: PlumbError | undefined;
  const config: ConnectConfig = {
    host: e.host,
    port: e.port,
    ...(sock ? { sock: sock as never } : {}),
    username: e.user ?? opts.user ?? 'root',
    privateKey: creds.privateKey,
    passphrase: creds.passphrase,
    agent: creds.agent,
    agentForward: false,
    readyTimeout: e.connectTimeoutMs ?? opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    keepaliveInterval: opts.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
    keepaliveCountMax: opts.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT_MAX,
    hostVerifier: (key: Buffer) => {
      const presented = describeKey(key);
      if (e.pins.includes(presented.fingerprint)) return true;
      refusal = e.pins.length === 0 ? new HostKeyUnpinned(e.label, presented.fingerprint, presented.keyType) : new HostKeyMismatch(e.label, e.pins, presented.fingerprint, presented.keyType);
      return false;
    },
  };
  return connect({ name: e.label } as HostEntry, config, () => refusal, creds.sources);
}

/**
 * The host key a host presents, without verifying it and without authenticating: the verifier records the key
 * and then refuses it, so the connection ends during key exchange. `algorithms` narrows the key types offered.
 */
export async function probeHostKey(host: HostEntry, opts: ConnectOptions & { hostKeyAlgorithms?: string[] } = {}): Promise<PresentedKey> {
  let seen: PresentedKey | undefined;
  const route = opts.routes?.get(host.name);
  // Behind jump hosts, the probe travels through them: each of them must already be pinned (no trust on first use).
  const via = route?.hops.length ? await connectHops(route.hops, opts) : undefined;
  const target = route?.target;
  const sock = via && target ? await forward(via, target, host.name) : undefined;
  const config: ConnectConfig = {
    host: target?.host ?? host.address,
    port: target?.port ?? host.port ?? 22,
    ...(sock ? { sock: sock as never } : {}),
    username: target?.user ?? host.user ?? opts.user ?? 'root',
    readyTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    hostVerifier: (key: Buffer) => {
      seen = describeKey(key);
      return false;
    },
    ...(opts.hostKeyAlgorithms ? { algorithms: { serverHostKey: opts.hostKeyAlgorithms as never } } : {}),
  };
  try {
    const client = await connect(host, config, () => undefined, []);
    client.end();
  } catch (e) {
    if (seen) return seen;
    throw e;
  } finally {
    if (via && !opts.jumps) via.end();
  }
  if (seen) return seen;
  throw new SshConnectError(host.name, 'the server did not present a host key');
}

function connect(host: HostEntry, config: ConnectConfig, refusal: () => PlumbError | undefined, sources: string[]): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new (ssh2().Client)();
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      // destroy, not end: a peer that never speaks would otherwise keep a half-closed socket open.
      client.destroy();
      reject(e);
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (e: Error & { level?: string; code?: string }) => fail(refusal() ?? mapError(host, config, e, sources)));
    client.once('close', () => fail(refusal() ?? new SshConnectError(host.name, 'the server closed the connection during the handshake')));
    try {
      client.connect(config);
    } catch (e) {
      fail(new SshConnectError(host.name, (e as Error).message, { cause: e }));
    }
  });
}

function mapError(host: HostEntry, config: ConnectConfig, e: Error & { level?: string; code?: string }, sources: string[]): PlumbError {
  const where = `${config.host}:${config.port}`;
  switch (e.level) {
    case 'client-timeout':
      return new SshConnectError(host.name, `no SSH session with ${where} within ${(config.readyTimeout ?? 0) / 1000}s (unreachable, filtered, or not an SSH server)`);
    case 'client-dns':
      return new SshConnectError(host.name, `cannot resolve ${config.host}`, { hint: 'check the address in the inventory and DNS on the control machine' });
    case 'client-authentication':
      return new SshAuthError(host.name, `${where} refused ${config.username} with ${sources.join(' and ')}`);
    case 'agent':
      return new SshAuthError(host.name, `ssh-agent could not be used (${e.message})`, 'check $SSH_AUTH_SOCK, or use a key file');
    case 'client-socket':
      return new SshConnectError(host.name, `${where}: ${socketReason(e.code) ?? e.message}`);
    default:
      return new SshConnectError(host.name, `${where}: ${e.message}`);
  }
}

function socketReason(code: string | undefined): string | undefined {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is sshd running on this port?)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ECONNRESET':
      return 'connection reset by the server';
    default:
      return undefined;
  }
}

interface SessionOptions {
  sudo: boolean;
  user: string;
  commandTimeoutMs: number;
}

class SshTransport implements Transport {
  private readonly channels = new PQueue({ concurrency: CHANNELS_PER_CONNECTION });
  private lost: string | undefined;

  constructor(
    readonly host: string,
    private readonly client: Client,
    private readonly session: SessionOptions,
  ) {
    client.on('error', (e: Error) => {
      this.lost = e.message;
    });
    client.on('close', () => {
      this.lost ??= 'the connection was closed';
    });
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const privileged = opts.privileged === true && this.session.sudo;
    const line = privileged ? withSudo(command) : command;
    const result = await this.channels.add(() => this.run(line, command, opts));
    return privileged ? checkSudo(this.host, this.session.user, result) : result;
  }

  private run(line: string, shown: string, opts: ExecOptions): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? this.session.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(new SshConnectionLost(this.host, this.lost));
      this.client.exec(line, (err: Error | undefined, stream: ClientChannel) => {
        if (err) return reject(this.lost ? new SshConnectionLost(this.host, this.lost, { cause: err }) : new SshConnectError(this.host, `cannot open a session channel: ${err.message}`, { cause: err }));
        const collected = new OutputCollector(this.host, summarize(shown), opts, DEFAULT_MAX_OUTPUT_BYTES);
        let code: number | null = null;
        let timedOut = false;
        // Ask OpenSSH to kill the remote process (servers may ignore signal requests), close our side, and answer
        // now: waiting for the channel to close would wait for the process.
        const kill = () => {
          try {
            stream.signal('KILL');
          } catch {
            /* no signal support: closing is all that is left */
          }
          stream.close();
        };
        const timer = setTimeout(() => {
          timedOut = true;
          kill();
          reject(new CommandTimeout(this.host, timeoutMs, summarize(shown)));
        }, timeoutMs);
        stream.on('data', (d: Buffer) => {
          const r = collected.stdout(d);
          if (r.fail) {
            clearTimeout(timer);
            kill();
            reject(r.fail);
          } else if (r.wait) {
            // Not reading lets SSH's window close: the host stops sending until memory is free again.
            stream.pause();
            void r.wait.finally(() => stream.resume());
          }
        });
        stream.stderr.on('data', (d: Buffer) => collected.stderr(d));
        stream.on('exit', (c: number | null, signal?: string) => {
          code = c ?? 128 + (signal ? ((osConstants.signals as Record<string, number>)[`SIG${signal}`] ?? 0) : 0);
        });
        stream.on('close', () => {
          clearTimeout(timer);
          if (timedOut || collected.failed) return;
          if (code === null) return reject(new SshConnectionLost(this.host, `the command ended without an exit status${this.lost ? ` (${this.lost})` : ''}`));
          resolve(collected.result(code));
        });
        stream.end(opts.stdin ?? '');
      });
    });
  }

  async close(): Promise<void> {
    if (this.lost) return;
    await new Promise<void>((resolve) => {
      // sshd may hold the connection until a timed-out command's process exits; do not wait for that.
      const force = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2_000);
      this.client.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      this.client.end();
    });
  }
}
