import { buildIndex, loadStore, matchHost } from '../../advisories/index.js';
import { diffHost } from '../../diff/index.js';
import { GitReadError, InvalidPeriod, ProgramInvalid } from '../../errors/index.js';
import { readRuns, type RunRecord } from '../../ledger/index.js';
import { programFromSnapshot } from '../../metrics/program.js';
import { instant, periodEnd } from '../../metrics/time.js';
import type { HostObservation, MetricsInput } from '../../metrics/types.js';
import type { Problem } from '../../model/problem.js';
import { readCommit, readWorktree } from '../../model/source.js';
import { colours, formatProblem } from '../output.js';
import { loadValidModel, selectHosts } from '../common.js';
import { collectFacts } from '../vulns/fleet.js';
import { readGitHistory } from './git-history.js';

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

const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** --from / --to: dates or date-times; by default the year up to now. */
export function parsePeriod(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  for (const [name, v] of [['--from', from], ['--to', to]] as const) {
    if (v !== undefined && (!DATE.test(v) || Number.isNaN(instant(v)))) throw new InvalidPeriod(`${name} '${v}' is not a date or date-time`);
  }
  const end = to ?? now.toISOString();
  const start = from ?? new Date(Math.min(periodEnd(end), now.getTime()) - 365 * 86_400_000).toISOString();
  if (instant(start) >= periodEnd(end)) throw new InvalidPeriod(`the period ${start} → ${end} is empty: --from must come before --to`);
  if (instant(start) > now.getTime()) throw new InvalidPeriod(`--from ${start} is in the future`);
  return { from: start, to: end };
}

/**
 * The I/O around the pure metrics: the desired state (validated), its program settings, the hosts' facts (live or a
 * snapshot) with their findings and advisory matches, the ledger, and the git dates of remediations and approvals.
 * With a system, only its hosts are asked.
 */
export async function gatherMetricsInput(opts: GatherOptions): Promise<{ input: MetricsInput; storeProblems: Problem[] }> {
  const now = opts.now ?? new Date();
  const period = parsePeriod(opts.from, opts.to, now);
  const { model } = await loadValidModel(opts.repo, opts.ref);
  const hosts = selectHosts(model, { system: opts.system });

  const snapshot = opts.ref ? await readCommit(opts.repo, opts.ref, { dirs: ['inventory'] }) : readWorktree(opts.repo, { dirs: ['inventory'] });
  const program = programFromSnapshot(snapshot, model);
  if (program.problems.length) {
    const c = colours(process.stderr);
    for (const p of program.problems.slice(0, 10)) process.stderr.write(`${formatProblem(p, c)}\n`);
    throw new ProgramInvalid(program.problems.length, { problems: program.problems });
  }

  const store = loadStore(opts.repo);
  const index = buildIndex(store.advisories);
  const { facts, errors } = await collectFacts(hosts, model, { facts: opts.facts, concurrency: opts.concurrency });
  const observations: Record<string, HostObservation> = {};
  for (const h of hosts) {
    const f = facts.get(h.name);
    observations[h.name] = f
      ? { facts: f, diff: diffHost(model, h, f, now), vulnerabilities: matchHost(index, f) }
      : { facts: null, error: errors.get(h.name) ?? { code: 'E_NO_FACTS', message: 'no facts' }, diff: null, vulnerabilities: [] };
  }

  let runs: RunRecord[] = [];
  try {
    runs = await readRuns(opts.repo);
  } catch (e) {
    if (!(e instanceof GitReadError)) throw e; // not a git repository: no ledger yet, nothing was recorded
  }
  const referenced = runs.flatMap((r) => [r.commit ?? '', ...r.hosts.flatMap((h) => h.actions.map((a) => /@([0-9a-f]{7,40})$/.exec(a.source)?.[1] ?? ''))]).filter(Boolean);
  const git = await readGitHistory(opts.repo, opts.ref ?? 'HEAD', 'remediations', referenced);

  return {
    input: { model, now: now.toISOString(), period, hosts: observations, advisories: store.advisories, runs, git, program: program.settings },
    storeProblems: store.problems,
  };
}
