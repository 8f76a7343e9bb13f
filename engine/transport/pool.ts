import type { HostEntry, Model } from '../model/types.js';
import { openTransport, type ConnectOptions, type Transport } from './index.js';
import { resolveRoutes } from './ssh/config/routes.js';
import { JumpCache } from './ssh/jump.js';

/**
 * One connection per host for a whole run: the first `get` connects, later ones (also concurrent ones) share it.
 * A failed connection is not cached, so a later `get` tries again.
 */
export class TransportPool {
  private readonly open = new Map<string, Promise<Transport>>();
  private readonly opts: ConnectOptions;
  /** How many connections were opened; a run over N hosts should end with N. */
  connections = 0;

  constructor(
    opts: ConnectOptions = {},
    private readonly opener: (host: HostEntry, opts: ConnectOptions) => Promise<Transport> = openTransport,
  ) {
    // Jump hosts are shared by every host behind them, for the pool's lifetime.
    this.opts = { ...opts, jumps: opts.jumps ?? new JumpCache() };
  }

  /**
   * Reads the ssh_config routes of these hosts (engine/transport/ssh/config) unless the pool was given routes:
   * called before the first connection, so a config plumb cannot follow stops the run before anything is contacted
   * (SshConfigInvalid, located).
   */
  prepare(model: Model, hosts: Iterable<HostEntry>): void {
    if (this.opts.routes) return;
    const routes = resolveRoutes(model, hosts);
    if (routes.size) this.opts.routes = routes;
  }

  get(host: HostEntry): Promise<Transport> {
    let t = this.open.get(host.name);
    if (!t) {
      this.connections++;
      t = this.opener(host, this.opts);
      this.open.set(host.name, t);
      t.catch(() => this.open.delete(host.name));
    }
    return t;
  }

  /**
   * Drops a host's connection, dead or alive, and connects anew: after a cut, the old connection is kept by nobody
   * and the next `get` waits for a fresh one.
   */
  async reconnect(host: HostEntry): Promise<Transport> {
    const old = this.open.get(host.name);
    this.open.delete(host.name);
    if (old) void old.then((x) => x.close()).catch(() => undefined);
    return this.get(host);
  }

  /** Closes one host's connection (after its last command), so long runs do not hold idle sessions. */
  async release(name: string): Promise<void> {
    const t = this.open.get(name);
    this.open.delete(name);
    if (t) await t.then((x) => x.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((t) => t.then((x) => x.close()).catch(() => undefined)));
    await this.opts.jumps?.closeAll();
  }
}
