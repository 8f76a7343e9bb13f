import type { Duplex } from 'node:stream';
import type ssh2 from 'ssh2';
import { SshConnectError } from '../../errors/index.js';
import type { ConnectOptions } from '../index.js';
import type { Endpoint, Route } from './config/routes.js';
import { connectEndpoint } from './index.js';

/**
 * Connections to jump hosts, shared: twenty hosts behind one bastion make one connection to the bastion and
 * twenty forwarded channels on it (direct-tcpip; OpenSSH's MaxSessions does not count them). Keyed by the whole
 * chain up to the hop, so a bastion reached two ways is two connections. A connection that fails is not kept.
 * The pool that owns the cache closes it (TransportPool.closeAll).
 */
export class JumpCache {
  private readonly open = new Map<string, Promise<ssh2.Client>>();

  get(key: string, make: () => Promise<ssh2.Client>): Promise<ssh2.Client> {
    let c = this.open.get(key);
    if (!c) {
      c = make();
      this.open.set(key, c);
      c.then(
        (client) => client.once('close', () => this.open.get(key) === c && this.open.delete(key)),
        () => this.open.delete(key),
      );
    }
    return c;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((c) => c.then((x) => x.end()).catch(() => undefined)));
  }
}

const keyOf = (hops: Endpoint[]) => hops.map((h) => `${h.user ?? ''}@${h.host}:${h.port}`).join('|');

/** The connection to the last of `hops`, each reached through the one before; every hop's host key is checked against its pins. */
export async function connectHops(hops: Endpoint[], opts: ConnectOptions): Promise<ssh2.Client> {
  let via: ssh2.Client | undefined;
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i]!;
    const before = via;
    const make = async () => connectEndpoint(hop, opts, before ? await forward(before, hop, hop.label) : undefined);
    via = opts.jumps ? await opts.jumps.get(keyOf(hops.slice(0, i + 1)), make) : await make();
  }
  return via!;
}

/** A route's target, through its jump hosts (or directly, when it has none). */
export async function connectRoute(route: Route, opts: ConnectOptions): Promise<ssh2.Client> {
  if (!route.hops.length) return connectEndpoint(route.target, opts);
  const via = await connectHops(route.hops, opts);
  try {
    const client = await connectEndpoint(route.target, opts, await forward(via, route.target, route.target.label));
    // Without a shared cache the jump connection belongs to this one target: it ends when the target's does.
    if (!opts.jumps) client.once('close', () => via.end());
    return client;
  } catch (e) {
    if (!opts.jumps) via.end();
    throw e;
  }
}

/** A TCP channel from the jump host `via` to `to` (the jump host resolves the name and connects). */
export function forward(via: ssh2.Client, to: Endpoint, name: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    try {
      via.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
        if (err) return reject(new SshConnectError(name, `the jump host could not open a connection to ${to.host}:${to.port} (${err.message})`, { hint: 'check that the jump host reaches that address and port, and that its sshd allows TCP forwarding (AllowTcpForwarding)' }));
        resolve(stream);
      });
    } catch (e) {
      reject(new SshConnectError(name, `the jump host connection is gone (${(e as Error).message})`, { cause: e }));
    }
  });
}
