import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../../errors/index.js';
import { factsDigest } from '../../facts/digest.js';
import { readRuns, verifiedIndex } from '../../ledger/index.js';
import { gatherAll } from '../../facts/gather.js';
import { parseSnapshot } from '../../facts/snapshot.js';
import type { Facts } from '../../facts/types.js';
import { assemblePlan, hasChanges, type HostInput } from '../../plan/assemble.js';
import { renderHuman } from '../../plan/render/human.js';
import { renderMarkdown } from '../../plan/render/markdown.js';
import type { Plan } from '../../plan/types.js';
import { loadValidModel, progress, selectHosts } from '../common.js';
import { printJson } from '../output.js';
import { globals } from '../program.js';

interface PlanOptions {
  host?: string[];
  system?: string;
  ring?: string;
  ref?: string;
  facts?: string;
  json?: boolean;
  markdown?: boolean;
  format?: string;
  datastream?: string;
  out?: string;
  concurrency: string;
}

export async function planAction(opts: PlanOptions, cmd: Command) {
  const format = opts.format ?? (opts.json ? 'json' : opts.markdown ? 'markdown' : 'human');
  if ([opts.json, opts.markdown, opts.format].filter(Boolean).length > 1) throw new UsageError('choose one of --json, --markdown and --format');
  if (!['human', 'json', 'markdown', 'arf'].includes(format)) throw new UsageError(`unknown --format '${format}'`, 'one of: human, json, markdown, arf');
  const { repo } = globals(cmd);
  const { model, digest } = await loadValidModel(repo, opts.ref);
  const hosts = selectHosts(model, opts);
  const inputs: HostInput[] = [];
  if (opts.facts) {
    const snap = parseSnapshot(readFileSync(opts.facts, 'utf8'), opts.facts);
    for (const h of hosts) {
      const f = snap.hosts[h.name];
      const err = snap.errors?.[h.name];
      inputs.push(f ? { host: h.name, facts: f, digest: factsDigest(f) } : { host: h.name, error: err ?? { code: 'E_NO_FACTS', message: `${opts.facts} has no facts for this host` } });
    }
  } else {
    const bar = progress('gathering facts');
    const { facts, errors } = await gatherAll(hosts, model, { concurrency: Number(opts.concurrency) || 16, onProgress: (p) => bar.update(p.done, p.total, p.host) });
    bar.end();
    for (const h of hosts) {
      const f: Facts | undefined = facts.get(h.name);
      const e = errors.get(h.name);
      inputs.push(f ? { host: h.name, facts: f, digest: factsDigest(f) } : { host: h.name, error: { code: e?.code ?? 'E_GATHER', message: e?.message ?? 'no facts' } });
    }
  }
  // What the ledger verified before: a finding fixed once and back again is shown as a regression.
  const verified = verifiedIndex(await readRuns(repo).catch(() => []));
  const plan = assemblePlan(model, inputs, { stateDigest: digest, verified, scope: { host: opts.host?.join(','), system: opts.system, ring: opts.ring } });
  if (opts.out) writeFileSync(opts.out, `${JSON.stringify(plan, null, 2)}\n`);
  if (format === 'json') printJson(plan);
  else if (format === 'arf') process.stdout.write((await import('./arf.js')).arfFor(model, inputs, opts.datastream));
  else process.stdout.write(format === 'markdown' ? renderMarkdown(plan) : renderHuman(plan));
  process.exitCode = exitCodeFor(plan);
}


export function exitCodeFor(plan: Plan): number {
  if (plan.summary.unreachable) return 1;
  return hasChanges(plan) ? 2 : 0;
}
