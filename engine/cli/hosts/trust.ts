import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { isMap, isSeq, parseDocument } from 'yaml';
import { HostKeyMismatch, HostTrustError, UnknownObject, UsageError } from '../../errors/index.js';
import { loadRepository } from '../../model/load.js';
import type { Problem } from '../../model/problem.js';
import type { HostEntry, JumpHostEntry } from '../../model/types.js';
import { resolveRoutes, type Route } from '../../transport/ssh/config/routes.js';
import { JumpCache } from '../../transport/ssh/jump.js';
import { probeHostKey } from '../../transport/ssh/index.js';
import type { PresentedKey } from '../../transport/ssh/fingerprint.js';
import { colours } from '../output.js';

export interface TrustOptions {
  fingerprint?: string;
  yes?: boolean;
  connectTimeout: string;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
/** Key types probed one by one to show what else the host offers (the first connection shows the one plumb uses). */
const KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512'];

export async function trustAction(repo: string, name: string, opts: TrustOptions): Promise<void> {
  if (opts.fingerprint !== undefined && !FINGERPRINT.test(opts.fingerprint)) throw new UsageError(`--fingerprint must look like SHA256: followed by 43 base64 characters, as ssh-keygen -lf prints it`);
  const connectTimeoutMs = Number(opts.connectTimeout) * 1000;
  if (!(connectTimeoutMs > 0)) throw new UsageError(`--connect-timeout must be a positive number of seconds, not '${opts.connectTimeout}'`);
  // Lenient load: a problem elsewhere in the desired state must not stop pinning this host's key.
  const { model } = await loadRepository(repo);
  const host = model.hosts.get(name) ?? jumpHostAsHost(model.jumpHosts.get(name));
  if (!host) throw new UnknownObject('host', name, [...model.hosts.keys(), ...model.jumpHosts.keys()]);
  if (host.transport === 'local') throw new UsageError(`'${name}' is reached locally (transport: local); it has no SSH host key to pin`);

  const c = colours();
  const ce = colours(process.stderr);
  // Through the ssh_config's ProxyJump, if any: every jump host on the way must already be pinned.
  const routes = resolveRoutes(model, [host]);
  const route = routes.get(name);
  const jumps = new JumpCache();
  try {
    const key = await probeHostKey(host, { connectTimeoutMs, routes, jumps });
    const others: PresentedKey[] = [];
    for (const t of KEY_TYPES) {
      if (key.keyType === t || (t.startsWith('rsa') && key.keyType.startsWith('rsa'))) continue;
      const k = await probeHostKey(host, { connectTimeoutMs, hostKeyAlgorithms: [t], routes, jumps }).catch(() => undefined);
      if (k && k.fingerprint !== key.fingerprint) others.push(k);
    }
    await pinPresented(repo, name, host, key, others, route, opts, c, ce);
  } finally {
    await jumps.closeAll();
  }
}

/** A jump host as the host-shaped value the probe and the pinning take (its key is pinned the same way). */
function jumpHostAsHost(j: JumpHostEntry | undefined): HostEntry | undefined {
  return j && ({ name: j.name, address: j.address ?? j.name, port: j.port, host_keys: j.host_keys, source: j.source } as HostEntry);
}

async function pinPresented(repo: string, name: string, host: HostEntry, key: PresentedKey, others: PresentedKey[], route: Route | undefined, opts: TrustOptions, c: ReturnType<typeof colours>, ce: ReturnType<typeof colours>): Promise<void> {
  const target = route?.target ?? { host: host.address, port: host.port ?? 22 };
  const where = `${target.host}${target.port !== 22 ? `:${target.port}` : ''}${route?.hops.length ? ` through ${route.hops.map((h) => h.label).join(', ')}` : ''}`;
  process.stdout.write(`${c.bold(name)} (${where}) presents ${key.keyType} ${c.bold(key.fingerprint)}\n`);
  for (const k of others) process.stdout.write(c.dim(`  it also offers ${k.keyType} ${k.fingerprint} (not used by plumb, not pinned)\n`));

  const pinned = host.host_keys ?? [];
  if (pinned.includes(key.fingerprint)) {
    process.stdout.write(`already pinned in ${host.source.file}:${host.source.line}; nothing to do\n`);
    return;
  }
  if (pinned.length) process.stderr.write(`${ce.yellow('warning:')} this key differs from the pinned ${pinned.join(', ')}: was the host reinstalled, or is someone in between?\n`);

  if (opts.fingerprint) {
    if (opts.fingerprint !== key.fingerprint) throw new HostKeyMismatch(name, [opts.fingerprint], key.fingerprint, key.keyType);
  } else if (opts.yes) {
    process.stderr.write(`${ce.yellow('warning:')} --yes pins whatever key was presented; compare ${key.fingerprint} with the host's own (ssh-keygen -lf) before relying on it\n`);
  } else if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_${hostKeyFile(key.keyType)}_key.pub\` on the host. Pin it? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new HostTrustError('nothing recorded: the key was not confirmed');
  } else {
    throw new UsageError('not a terminal: confirm the key with --fingerprint SHA256:… (or accept any key with --yes)');
  }

  const line = await pinKey(repo, host, key.fingerprint);
  process.stdout.write(`${c.green('pinned')} ${key.fingerprint} for ${name} in ${host.source.file}:${line}\n`);
  if (pinned.length) process.stdout.write(c.dim(`the old key${pinned.length === 1 ? ' stays' : 's stay'} pinned until you remove ${pinned.length === 1 ? 'it' : 'them'} from host_keys\n`));
}

/**
 * Appends the fingerprint to the host's host_keys in the file that declares it (see withPinnedKey); then reloads the repository and puts the file back if the edit made it invalid.
 * Returns the host's line in the file.
 */
export async function pinKey(repo: string, host: HostEntry, fingerprint: string): Promise<number> {
  const file = join(repo, host.source.file);
  const before = readFileSync(file, 'utf8');
  const errorsIn = (problems: Problem[]) => problems.filter((p) => p.severity === 'error' && p.file === host.source.file).length;
  const was = errorsIn((await loadRepository(repo)).problems);
  writeFileSync(file, withPinnedKey(before, host, fingerprint));

  const after = await loadRepository(repo);
  const now = after.model.hosts.get(host.name) ?? after.model.jumpHosts.get(host.name);
  if (errorsIn(after.problems) > was || now?.host_keys?.includes(fingerprint) !== true) {
    writeFileSync(file, before);
    throw new HostTrustError(`pinning the key would leave ${host.source.file} invalid; the file was left unchanged`, 'run `plumb validate` and add the fingerprint to host_keys by hand');
  }
  return now.source.line;
}

/** ssh-ed25519 → ed25519, ecdsa-sha2-nistp256 → ecdsa, rsa-sha2-512 → rsa: the name of the key file sshd uses. */
function hostKeyFile(keyType: string): string {
  return keyType.replace(/^ssh-/, '').replace(/-sha2.*$/, '');
}

/**
 * Pure: the file's text with the fingerprint added to the host's host_keys. The yaml Document API finds the
 * nodes; the edit itself is spliced into the original text at their positions, so every other byte (comments,
 * alignment, flow or block style) stays as the author wrote it.
 */
export function withPinnedKey(text: string, host: Pick<HostEntry, 'name' | 'source'>, fingerprint: string): string {
  const doc = parseDocument(text);
  const m = /^\/(hosts|jump_hosts)\/(\d+)$/.exec(host.source.pointer);
  const node = m ? doc.getIn([m[1], Number(m[2])], true) : undefined;
  if (!isMap(node) || node.get('name') !== host.name || !node.range) {
    throw new HostTrustError(`cannot find host '${host.name}' at ${host.source.file}:${host.source.line} any more`, 'the file changed since it was read; run the command again');
  }
  const quoted = JSON.stringify(fingerprint);
  const lineEnd = (at: number) => {
    const nl = text.indexOf('\n', at);
    return nl < 0 ? text.length : nl + 1;
  };
  const lineStart = (at: number) => text.lastIndexOf('\n', at - 1) + 1;
  const keys = node.get('host_keys', true);
  if (isSeq(keys) && keys.range) {
    if (keys.flow) {
      const close = text.lastIndexOf(']', keys.range[1]);
      const sep = keys.items.length ? ', ' : '';
      return `${text.slice(0, close).replace(/\s*$/, '')}${sep}${quoted}${text.slice(close)}`;
    }
    const last = keys.items[keys.items.length - 1] as { range?: [number, number, number] } | undefined;
    if (last?.range) {
      const prefix = text.slice(lineStart(last.range[0]), last.range[0]);
      const at = lineEnd(last.range[1]);
      return `${text.slice(0, at)}${at > 0 && text[at - 1] !== '\n' ? '\n' : ''}${prefix}${quoted}\n${text.slice(at)}`;
    }
  }
  if (keys !== undefined && !(isSeq(keys) && keys.items.length === 0)) {
    throw new HostTrustError(`host_keys of '${host.name}' is not a list; fix ${host.source.file} by hand`);
  }
  if (keys !== undefined) throw new HostTrustError(`host_keys of '${host.name}' is an empty block; write the fingerprint into ${host.source.file} by hand`);
  if (node.flow) throw new HostTrustError(`host '${host.name}' is written as a flow mapping ({ … }); add host_keys to ${host.source.file} by hand`);
  const indent = ' '.repeat(node.range[0] - lineStart(node.range[0]));
  const at = lineEnd(node.range[1] - 1);
  const needsNl = at > 0 && text[at - 1] !== '\n';
  return `${text.slice(0, at)}${needsNl ? '\n' : ''}${indent}host_keys: [${quoted}]\n${text.slice(at)}`;
}
