import { ProgramInvalid } from '../../errors/index.js';
import { assembleMetricsInput, parsePeriod, readProgramSettings } from '../../inputs/metrics-input.js';
import type { MetricsInput } from '../../metrics/types.js';
import type { Problem } from '../../model/problem.js';
import { colours, formatProblem } from '../output.js';
import { loadValidModel, selectHosts } from '../common.js';
import { collectFacts } from '../vulns/fleet.js';

export { parsePeriod } from '../../inputs/metrics-input.js';

export interface GatherOptions {
  repo: string;
  ref?: string;
  system?: string;
  from?: string;
  to?: string;
  /** A facts snapshot (plumb facts --all --out FILE) instead of asking the hosts. */
  facts?: string;
  concurrency?: number;
  now?: Date;
}

/**
 * `plumb metrics` and `plumb report`: the desired state (validated, problems printed), the hosts' facts (live, with a
 * progress line, or a snapshot), then engine/inputs assembles the rest. With a system, only its hosts are asked.
 */
export async function gatherMetricsInput(opts: GatherOptions): Promise<{ input: MetricsInput; storeProblems: Problem[] }> {
  const now = opts.now ?? new Date();
  const period = parsePeriod(opts.from, opts.to, now);
  const { model } = await loadValidModel(opts.repo, opts.ref);
  const hosts = selectHosts(model, { system: opts.system });
  let program;
  try {
    program = await readProgramSettings(opts.repo, opts.ref, model);
  } catch (e) {
    if (e instanceof ProgramInvalid) {
      const c = colours(process.stderr);
      for (const p of ((e.data as { problems?: Problem[] }).problems ?? []).slice(0, 10)) process.stderr.write(`${formatProblem(p, c)}\n`);
    }
    throw e;
  }
  const facts = await collectFacts(hosts, model, { facts: opts.facts, concurrency: opts.concurrency });
  return assembleMetricsInput({ repo: opts.repo, ref: opts.ref, model, hosts, facts, period, now, program });
}
