import type { Command } from 'commander';
import { buildIndex } from '../../advisories/match.js';
import { loadStore } from '../../advisories/store.js';
import { UsageError } from '../../errors/index.js';
import { renderProblems } from '../advisories/render.js';
import { loadValidModel, selectHosts } from '../common.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { collectFacts } from '../vulns/fleet.js';
import { renderList, renderSupported, renderUnsupported } from './render.js';
import { resourceList, supported, unsupported } from './views.js';

interface Scope {
  system?: string;
  ref?: string;
  facts?: string;
  json?: boolean;
  concurrency: string;
}

function concurrencyOf(raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--concurrency must be a positive whole number, not '${raw}'`);
  return n;
}

/** The store's advisories, indexed once; unreadable files are reported on stderr (their advisories count as absent). */
function storeIndex(repo: string) {
  const store = loadStore(repo);
  for (const line of renderProblems(store.problems, colours(process.stderr))) process.stderr.write(`${line}\n`);
  return { index: buildIndex(store.advisories), errors: store.problems.filter((p) => p.severity === 'error').length };
}

export async function listAction(opts: Scope & { gather: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const concurrency = concurrencyOf(opts.concurrency);
  const { model } = await loadValidModel(repo, opts.ref);
  const hosts = selectHosts(model, { system: opts.system });
  const gathered = opts.gather ? await collectFacts(hosts, model, { facts: opts.facts, concurrency }) : null;
  const systems = resourceList(model, hosts, gathered?.facts ?? null, gathered?.errors ?? new Map(), opts.system);
  if (opts.json) printJson(systems);
  else process.stdout.write(renderList(systems));
  process.exitCode = gathered?.errors.size ? 1 : 0;
}

export async function supportedAction(opts: { ref?: string; json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const { model } = await loadValidModel(repo, opts.ref);
  const { index, errors } = storeIndex(repo);
  const view = supported(model, index);
  if (opts.json) printJson(view);
  else process.stdout.write(renderSupported(view));
  process.exitCode = errors ? 1 : 0;
}

export async function unsupportedAction(opts: Scope, cmd: Command) {
  const { repo } = globals(cmd);
  const concurrency = concurrencyOf(opts.concurrency);
  const { model } = await loadValidModel(repo, opts.ref);
  const hosts = selectHosts(model, { system: opts.system });
  const { index, errors } = storeIndex(repo);
  const gathered = await collectFacts(hosts, model, { facts: opts.facts, concurrency });
  for (const [h, e] of gathered.errors) process.stderr.write(colours(process.stderr).yellow(`plumb: ${h} was not examined: ${e.message}\n`));
  const view = unsupported(model, index, hosts, gathered.facts);
  if (opts.json) printJson({ ...view, notExamined: Object.fromEntries(gathered.errors) });
  else process.stdout.write(renderUnsupported(view));
  process.exitCode = errors || gathered.errors.size ? 1 : view.packages.length || view.hosts.length ? 2 : 0;
}

