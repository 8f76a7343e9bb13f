import type { Command } from 'commander';
import { UsageError } from '../../errors/index.js';
import { renderProblems } from '../advisories/render.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { assessFleet } from './fleet.js';
import { exitCodeFor } from './report.js';
import { renderVulns } from './render.js';

interface VulnsOptions {
  host?: string[];
  system?: string;
  ref?: string;
  facts?: string;
  mirror: boolean;
  worklist?: boolean;
  all?: boolean;
  json?: boolean;
  concurrency: string;
}

export async function vulnsAction(opts: VulnsOptions, cmd: Command) {
  const { repo } = globals(cmd);
  const concurrency = Number(opts.concurrency);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number, not '${opts.concurrency}'`);
  const fleet = await assessFleet({ repo, ref: opts.ref, host: opts.host, system: opts.system, facts: opts.facts, mirror: opts.mirror, concurrency, worklist: opts.worklist });
  const errors = fleet.storeProblems.filter((p) => p.severity === 'error');
  for (const line of renderProblems(fleet.storeProblems, colours(process.stderr))) process.stderr.write(`${line}\n`);
  if (errors.length) process.stderr.write(colours(process.stderr).red(`plumb: ${errors.length} advisory file(s) could not be read; their advisories were not matched\n`));
  if (opts.json) printJson(fleet.report);
  else process.stdout.write(renderVulns(fleet.report, fleet.loaded.model, { all: opts.all }));
  process.exitCode = errors.length ? 1 : exitCodeFor(fleet.report);
}

