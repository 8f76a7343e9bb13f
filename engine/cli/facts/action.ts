import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PlumbError, UsageError } from '../../errors/index.js';
import { gatherAll } from '../../facts/gather.js';
import { toSnapshot } from '../../facts/snapshot.js';
import { loadValidModel, progress, selectHosts } from '../common.js';
import { colours, plural, printJson } from '../output.js';
import { globals } from '../program.js';
import { renderFacts } from './render.js';

interface FactsOptions {
  all?: boolean;
  system?: string;
  ring?: string;
  json?: boolean;
  out?: string;
  ref?: string;
  identity?: string;
  connectTimeout: string;
  concurrency: string;
}

export async function factsAction(names: string[], opts: FactsOptions, cmd: Command) {
  if (!names.length && !opts.all && !opts.system && !opts.ring) throw new UsageError('name a host, or use --all (or --system/--ring)', 'plumb facts wiki-01, or plumb facts --all --out facts.json');
  if (names.length && opts.all) throw new UsageError('name hosts or use --all, not both');
  const connectTimeoutMs = Number(opts.connectTimeout) * 1000;
  const concurrency = Number(opts.concurrency);
  if (!(connectTimeoutMs > 0)) throw new UsageError(`--connect-timeout must be a positive number of seconds, not '${opts.connectTimeout}'`);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number of at least 1, not '${opts.concurrency}'`);
  const { repo } = globals(cmd);
  const { model } = await loadValidModel(repo, opts.ref);
  const hosts = selectHosts(model, { host: names.length ? names : undefined, system: opts.system, ring: opts.ring });
  if (!hosts.length) throw new UsageError('no host matches', 'list the hosts with `plumb hosts list`');

  const started = new Date();
  const bar = progress('gathering facts');
  const { facts, errors } = await gatherAll(hosts, model, {
    concurrency,
    connect: { identityFile: opts.identity, connectTimeoutMs },
    onProgress: (p) => bar.update(p.done, p.total, p.host),
  });
  bar.end();
  const snapshot = toSnapshot(facts, errors, { gatheredAt: started, commit: model.commit });
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(snapshot, null, 2)}\n`);

  const c = colours();
  if (opts.json) printJson(snapshot);
  else if (!opts.out || hosts.length === 1) {
    for (const h of hosts) {
      const f = facts.get(h.name);
      if (f) process.stdout.write(`${renderFacts(f, c)}\n\n`);
    }
  }
  if (opts.out && !opts.json) process.stdout.write(`wrote ${opts.out}: facts of ${plural(facts.size, 'host')}${errors.size ? `, ${plural(errors.size, 'host')} failed` : ''}\n`);
  if (!errors.size) return;

  // One host: its own error (with its hint) is the message. Several: list them all, then fail once.
  if (hosts.length === 1) throw [...errors.values()][0]!;
  const ce = colours(process.stderr);
  for (const [name, e] of errors) {
    process.stderr.write(`${ce.red('plumb: error:')} ${name}: ${e.message} ${ce.dim(`[${e.code}]`)}\n`);
    if (e.hint) process.stderr.write(`    ${ce.dim(`hint: ${e.hint}`)}\n`);
  }
  throw new PlumbError('E_GATHER_INCOMPLETE', `facts of ${plural(errors.size, 'host')} out of ${hosts.length} could not be gathered`, {
    hint: opts.out ? `${opts.out} lists them under "errors"; plan reports them as unreachable` : undefined,
  });
}

