import type { Command } from 'commander';
import { loadValidModel, selectHosts } from '../common.js';
import { colours, plural, printJson } from '../output.js';
import { globals } from '../program.js';
import { trustAction as pinHostKey, type TrustOptions } from './trust.js';

export async function listAction(opts: { system?: string; ring?: string; json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const { model } = await loadValidModel(repo);
  const list = selectHosts(model, { system: opts.system, ring: opts.ring }).map((h) => ({
    name: h.name,
    address: h.address,
    port: h.port ?? 22,
    user: h.user ?? 'root',
    transport: h.transport ?? 'ssh',
    system: h.system,
    ring: h.ring,
    baseline: h.baseline,
    hostKeys: h.host_keys ?? [],
    ...(h.compromised ? { quarantined: h.compromised } : {}),
    source: `${h.source.file}:${h.source.line}`,
  }));
  if (opts.json) return printJson(list);
  const c = colours();
  const w = Math.max(4, ...list.map((h) => h.name.length));
  for (const h of list) {
    const reach = h.transport === 'local' ? 'local' : `${h.user}@${h.address}${h.port === 22 ? '' : `:${h.port}`}`;
    const keys = h.transport === 'local' ? '' : h.hostKeys.length ? c.dim(plural(h.hostKeys.length, 'pinned key')) : c.yellow('no pinned key: plumb hosts trust ' + h.name);
    const q = h.quarantined ? `  ${c.red(`QUARANTINED since ${h.quarantined.since}${h.quarantined.ticket ? ` (${h.quarantined.ticket})` : ''}`)}` : '';
    process.stdout.write(`${h.name.padEnd(w)}  ${reach.padEnd(28)} ${h.system}/${h.ring}  ${keys}${q}\n`);
  }
  process.stdout.write(`${plural(list.length, 'host')}\n`);
}

export async function trustAction(name: string, opts: TrustOptions, cmd: Command) {
  const { repo } = globals(cmd);
  await pinHostKey(repo, name, opts);
}

