import type { ConfigLine } from './parse.js';

/**
 * The lines of an ssh_config with its Includes read in (load.ts): an `include-end` marks where an included file
 * ends, since a Host or Match block opened inside an included file ends with it.
 */
export type ConfigItem = ConfigLine | { keyword: 'include-start' | 'include-end'; args: []; file: string; line: number; col: number; conditional: boolean };

export interface ResolveInput {
  /** What ssh is called with (for plumb: the host's address, or a ProxyJump hop's name), lower-cased as ssh does. */
  host: string;
  /** The command line: the inventory's own fields (`-l`, `-p`), which win over the file as in ssh. */
  user?: string;
  port?: number;
  /** The user plumb runs as, for Match localuser and %l… tokens. */
  localUser: string;
}

/** The settings plumb takes from an ssh_config for one host, raw as `ssh -G` prints them, each with its line. */
export interface SshSettings {
  hostname: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  identityAgent?: string;
  proxyJump?: string;
  connectTimeout?: number;
  /** Where each setting came from (keyword → file:line). */
  from: Record<string, { file: string; line: number; col: number }>;
}

/**
 * ssh_config(5) evaluation for one host, as OpenSSH 9 does it in one pass: Host blocks match the host as given
 * (patterns with * and ?, ! negates and vetoes the block); Match host/originalhost/user/localuser/all are decided
 * with what is known at that line; the first value of a keyword wins, except IdentityFile, which adds up.
 * HostName expands %h and %%. Pure; test/transport/ssh-config.test.ts compares it with the real `ssh -G`.
 */
export function resolveSettings(items: ConfigItem[], input: ResolveInput): SshSettings {
  const original = input.host.toLowerCase();
  const s: SshSettings = { hostname: '', identityFiles: [], from: {} };
  if (input.user !== undefined) s.user = input.user;
  if (input.port !== undefined) s.port = input.port;
  let active = true;
  const stack: boolean[] = [];
  let hostname: string | undefined;
  const first = (key: string, line: ConfigItem, set: () => void) => {
    if (key in s.from || (key === 'user' && input.user !== undefined) || (key === 'port' && input.port !== undefined)) return;
    set();
    s.from[key] = { file: line.file, line: line.line, col: line.col };
  };
  for (const it of items) {
    if (it.keyword === 'include-start') {
      stack.push(active);
      continue;
    }
    if (it.keyword === 'include-end') {
      active = stack.pop() ?? true;
      continue;
    }
    if (it.keyword === 'host') {
      active = (stack.length ? stack[stack.length - 1]! : true) && matchHostList(it.args, original);
      continue;
    }
    if (it.keyword === 'match') {
      const current = (hostname ?? original).replace(/%h/g, original).toLowerCase();
      active = (stack.length ? stack[stack.length - 1]! : true) && matchCriteria(it.args, { host: current, originalhost: original, user: s.user ?? input.localUser, localuser: input.localUser });
      continue;
    }
    if (!active) continue;
    const a = it.args;
    switch (it.keyword) {
      case 'hostname':
        first('hostname', it, () => (hostname = a[0]));
        break;
      case 'user':
        first('user', it, () => (s.user = a[0]));
        break;
      case 'port':
        first('port', it, () => (s.port = Number(a[0])));
        break;
      case 'identityfile':
        if (a[0] !== undefined) {
          if (!s.identityFiles.includes(a[0])) s.identityFiles.push(a[0]);
          s.from.identityfile ??= { file: it.file, line: it.line, col: it.col };
        }
        break;
      case 'identityagent':
        first('identityagent', it, () => (s.identityAgent = a[0]));
        break;
      case 'proxyjump':
        first('proxyjump', it, () => (s.proxyJump = a[0]));
        break;
      case 'connecttimeout':
        first('connecttimeout', it, () => (s.connectTimeout = a[0]?.toLowerCase() === 'none' ? undefined : Number(a[0])));
        break;
      default:
        break;
    }
  }
  s.hostname = (hostname ?? original).replace(/%(%|h)/g, (m, c: string) => (c === '%' ? '%' : original)).toLowerCase();
  return s;
}

/** A Host line's patterns: any negated match vetoes; otherwise one positive match is enough. */
export function matchHostList(patterns: string[], host: string, lower = true): boolean {
  let hit = false;
  for (const raw of patterns.flatMap((x) => x.split(','))) {
    const p = lower ? raw.toLowerCase() : raw;
    if (!p) continue;
    if (p.startsWith('!')) {
      if (glob(p.slice(1), host)) return false;
    } else if (glob(p, host)) hit = true;
  }
  return hit;
}

function matchCriteria(args: string[], values: Record<'host' | 'originalhost' | 'user' | 'localuser', string>): boolean {
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const neg = raw.startsWith('!');
    const c = raw.replace(/^!/, '').toLowerCase();
    let r: boolean;
    if (c === 'all') r = true;
    else {
      const list = (args[++i] ?? '').split(',');
      const v = values[c as keyof typeof values];
      // Host names compare in lower case; user names as written (ssh's match_pattern_list with and without dolower).
      r = c === 'host' || c === 'originalhost' ? matchHostList(list, v) : matchHostList(list, v, false);
    }
    if (neg ? r : !r) return false;
  }
  return true;
}

/** ssh's match_pattern: * any run, ? one character, nothing else special. */
export function glob(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(s);
}
