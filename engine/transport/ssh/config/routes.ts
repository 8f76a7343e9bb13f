import * as fs from 'node:fs';
import * as os from 'node:os';
import { PlumbError } from '../../../errors/index.js';
import { problemAt, type Problem } from '../../../model/problem.js';
import type { HostEntry, Model } from '../../../model/types.js';
import { loadSshConfig } from './load.js';
import { resolveSettings, type ConfigItem, type SshSettings } from './resolve.js';
import { expandPath, type TokenValues } from './tokens.js';

/** One SSH connection of a route: where to, as whom, with what, and the host keys it must present. */
export interface Endpoint {
  /** How the inventory or the ProxyJump line names it (for messages). */
  label: string;
  host: string;
  port: number;
  user?: string;
  identityFile?: string;
  /** ssh-agent socket; '' = none (IdentityAgent none). */
  agent?: string;
  connectTimeoutMs?: number;
  /** Pinned fingerprints; empty = unpinned (refused: no trust on first use). */
  pins: string[];
  /** Where the pins are (or would be) declared, for the hint. */
  pinnedAt?: string;
}

/** How to reach one host: the jump hosts in order, then the host itself. */
export interface Route {
  hops: Endpoint[];
  target: Endpoint;
  /** The ssh_config file it came from. */
  config: string;
}

/** An ssh_config that plumb will not follow: every problem, located. Nothing has connected. */
export class SshConfigInvalid extends PlumbError {
  constructor(readonly problems: Problem[]) {
    super('E_SSH_CONFIG', `the ssh configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was contacted`, {
      hint: 'fix the ssh_config lines named above (file:line:col), or the inventory entry that names the file',
      data: { problems },
    });
  }
}

export interface RouteOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  localUser?: string;
  localHost?: string;
}

/**
 * The routes of the given hosts (I/O: reads the ssh_config files). A host takes its connection from its own
 * `ssh_config`, else from the inventory's; hosts with neither (or `none`, or transport local) get no route and
 * connect to their address as before. Every problem of every host is collected first; any problem throws
 * SshConfigInvalid, so nothing connects on a config plumb cannot follow.
 */
export function resolveRoutes(model: Model, hosts: Iterable<HostEntry>, opts: RouteOptions = {}): Map<string, Route> {
  const env = opts.env ?? process.env;
  // ssh expands ~ to the home directory in the password database, not $HOME.
  const home = opts.home ?? os.userInfo().homedir;
  const localUser = opts.localUser ?? os.userInfo().username;
  const localHost = opts.localHost ?? os.hostname();
  const problems: Problem[] = [];
  const loaded = new Map<string, ConfigItem[]>();
  const routes = new Map<string, Route>();

  for (const host of hosts) {
    if (host.transport === 'local') continue;
    const named = host.ssh_config ?? model.sshConfig?.path;
    if (!named || named === 'none') continue;
    const where = host.ssh_config ? host.source : model.sshConfig!.source;
    const file = named.startsWith('~/') ? `${home}/${named.slice(2)}` : named;
    let items = loaded.get(file);
    if (!items) {
      const r = loadSshConfig(file, home);
      if (r.problems.length) {
        problems.push(...r.problems.map((p) => (p.file === file && p.line === 1 && /cannot read/.test(p.message) ? { ...p, file: where.file, line: where.line, col: where.col } : p)));
        loaded.set(file, []);
        continue;
      }
      loaded.set(file, (items = r.items));
    }
    if (!items.length && problems.length) continue;
    try {
      routes.set(host.name, routeFor(model, host, items, file, { env, home, localUser, localHost }));
    } catch (e) {
      if (e instanceof RouteProblem) problems.push(e.problem);
      else throw e;
    }
  }
  if (problems.length) throw new SshConfigInvalid(dedupe(problems));
  return routes;
}

class RouteProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

interface Ctx {
  env: NodeJS.ProcessEnv;
  home: string;
  localUser: string;
  localHost: string;
}

function routeFor(model: Model, host: HostEntry, items: ConfigItem[], file: string, ctx: Ctx): Route {
  const at = (s: SshSettings, key: string) => ({ ...(s.from[key] ?? { file, line: 1, col: 1 }), pointer: '' });
  const fail = (where: { file: string; line: number; col: number; pointer: string }, message: string, hint?: string): never => {
    throw new RouteProblem(problemAt(where, 'ssh-config', message, { hint }));
  };

  const endpoint = (alias: string, label: string, user: string | undefined, port: number | undefined, s: SshSettings): Endpoint => {
    const finalUser = user ?? s.user;
    const finalPort = port ?? s.port ?? 22;
    if (!Number.isInteger(finalPort) || finalPort < 1 || finalPort > 65535) fail(at(s, 'port'), `Port is not a port number`);
    if (s.connectTimeout !== undefined && !(s.connectTimeout > 0)) fail(at(s, 'connecttimeout'), 'ConnectTimeout is not a number of seconds');
    const t: TokenValues = { home: ctx.home, localUser: ctx.localUser, localHost: ctx.localHost, uid: process.getuid?.() ?? 0, host: s.hostname, user: finalUser ?? 'root', port: finalPort, original: alias };
    const expand = (v: string, key: string) => {
      try {
        return expandPath(v, t, ctx.env);
      } catch (e) {
        return fail(at(s, key), `${key === 'identityfile' ? 'IdentityFile' : 'IdentityAgent'} ${v}: ${(e as Error).message}`);
      }
    };
    // ssh tries every IdentityFile; plumb takes the first that exists (and the agent), and says which in errors.
    const identityFile = s.identityFiles.map((f) => expand(f, 'identityfile')).find((f) => fs.existsSync(f));
    let agent: string | undefined;
    if (s.identityAgent !== undefined) agent = s.identityAgent.toLowerCase() === 'none' ? '' : s.identityAgent === 'SSH_AUTH_SOCK' ? (ctx.env.SSH_AUTH_SOCK ?? '') : expand(s.identityAgent, 'identityagent');
    return { label, host: s.hostname, port: finalPort, user: finalUser, identityFile, agent, connectTimeoutMs: s.connectTimeout !== undefined ? s.connectTimeout * 1000 : undefined, pins: [] };
  };

  // A chain of hops to `alias`, then `alias` itself. Only the first hop of a ProxyJump list follows its own
  // ProxyJump (as `ssh -J a,b` does); a name met twice on the way is a loop.
  const chain = (alias: string, user: string | undefined, port: number | undefined, seen: string[]): { hops: Endpoint[]; s: SshSettings } => {
    const s = resolveSettings(items, { host: alias, user, port, localUser: ctx.localUser });
    const hops: Endpoint[] = [];
    if (s.proxyJump && s.proxyJump.toLowerCase() !== 'none') {
      const specs = s.proxyJump.split(',');
      specs.forEach((raw, i) => {
        const spec = parseHop(raw);
        if (!spec) return fail(at(s, 'proxyjump'), `ProxyJump ${s.proxyJump}: '${raw}' is not [user@]host[:port]`);
        const name = spec.host.toLowerCase();
        if (seen.includes(name) || name === alias.toLowerCase()) return fail(at(s, 'proxyjump'), `ProxyJump makes a loop: ${[...seen, alias, name].join(' → ')}`, 'a jump host cannot be reached through itself or through the host it leads to');
        if (seen.length > 8) return fail(at(s, 'proxyjump'), 'ProxyJump chains more than 8 jump hosts');
        if (i === 0) {
          const sub = chain(spec.host, spec.user, spec.port, [...seen, alias.toLowerCase()]);
          hops.push(...sub.hops, pinned(endpoint(spec.host, spec.host, spec.user, spec.port, sub.s), spec.host));
        } else {
          const hs = resolveSettings(items, { host: spec.host, user: spec.user, port: spec.port, localUser: ctx.localUser });
          hops.push(pinned(endpoint(spec.host, spec.host, spec.user, spec.port, hs), spec.host));
        }
      });
    }
    return { hops, s };
  };

  // A hop's pins: a jump host or an inventory host of that name, else one whose address (and port) it resolves to.
  const pinned = (e: Endpoint, alias: string): Endpoint => {
    const byName = model.jumpHosts.get(alias) ?? model.hosts.get(alias);
    const byAddress = [...model.jumpHosts.values(), ...model.hosts.values()].find((j) => j.address === e.host && (j.port ?? 22) === e.port);
    const entry = byName ?? byAddress;
    return { ...e, pins: entry?.host_keys ?? [], pinnedAt: entry ? `${entry.source.file}:${entry.source.line}` : undefined, label: entry?.name ?? alias };
  };

  const { hops, s } = chain(host.address, host.user, host.port, []);
  const target = endpoint(host.address, host.name, host.user, host.port, s);
  if (host.identity_file) target.identityFile = host.identity_file;
  return { hops, target: { ...target, pins: host.host_keys ?? [], pinnedAt: `${host.source.file}:${host.source.line}` }, config: file };
}

function parseHop(raw: string): { user?: string; host: string; port?: number } | undefined {
  const m = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*)(?::([0-9]{1,5}))?$/.exec(raw.trim());
  if (!m) return undefined;
  return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined };
}

function dedupe(ps: Problem[]): Problem[] {
  const seen = new Set<string>();
  return ps.filter((p) => {
    const k = `${p.file}:${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
