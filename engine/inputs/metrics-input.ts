import { buildIndex, loadStore, matchHost, type AdvisoryIndex } from '../advisories/index.js';
import { diffHost } from '../diff/index.js';
import { GitReadError, InvalidPeriod, ProgramInvalid } from '../errors/index.js';
import { readRuns, type RunRecord } from '../ledger/index.js';
import { programFromSnapshot } from '../metrics/program.js';
import { instant, periodEnd } from '../metrics/time.js';
import type { HostObservation, MetricsInput, ProgramSettings } from '../metrics/types.js';
import type { Problem } from '../model/problem.js';
import { readCommit, readWorktree } from '../model/source.js';
import type { HostEntry, Model } from '../model/types.js';
import type { CollectedFacts } from './facts.js';
import { readGitHistory } from './git-history.js';

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

export interface AssembleOptions {
  repo: string;
  /** The ref the model was loaded from (undefined: the working tree). */
  ref?: string;
  model: Model;
  /** The hosts observed (the others count as not observed). */
  hosts: readonly HostEntry[];
  facts: CollectedFacts;
  period: { from: string; to: string };
  now: Date;
  /**
   * Called once per host with its full facts in the observation; returns the facts to keep (a server keeps less).
   * With it, each host's full facts are dropped from `facts` as soon as they are used, so a large fleet is never
   * held twice.
   */
  perHost?: (host: HostEntry, observation: HostObservation, index: AdvisoryIndex) => HostObservation['facts'];
  /** Let other work run (a server's requests) after this many hosts; default: never. */
  yieldEvery?: number;
  /** Already read (readProgramSettings), so that a command can refuse bad settings before gathering facts. */
  program?: ProgramSettings;
}

/** The inventory's program, targets and perimeter; invalid settings throw ProgramInvalid with the problems in its data. */
export async function readProgramSettings(repo: string, ref: string | undefined, model: Model): Promise<ProgramSettings> {
  const snapshot = ref ? await readCommit(repo, ref, { dirs: ['inventory'] }) : readWorktree(repo, { dirs: ['inventory'] });
  const program = programFromSnapshot(snapshot, model);
  if (program.problems.length) throw new ProgramInvalid(program.problems.length, { problems: program.problems });
  return program.settings;
}

/**
 * The I/O around the pure metrics (shared by `plumb metrics`, `plumb report` and `plumb serve`): the program
 * settings from the inventory, the hosts' findings and advisory matches, the ledger, and the git dates of
 * remediations and approvals. Invalid program settings throw ProgramInvalid with the problems in its data.
 */
export async function assembleMetricsInput(o: AssembleOptions): Promise<{ input: MetricsInput; storeProblems: Problem[]; index: AdvisoryIndex }> {
  const { model, now } = o;
  const program = o.program ?? (await readProgramSettings(o.repo, o.ref, model));

  const store = loadStore(o.repo);
  const index = buildIndex(store.advisories);
  const observations: Record<string, HostObservation> = {};
  let n = 0;
  for (const h of o.hosts) {
    if (o.yieldEvery && ++n % o.yieldEvery === 0) await new Promise((r) => setImmediate(r));
    const f = o.facts.facts.get(h.name);
    const obs: HostObservation = f
      ? { facts: f, diff: diffHost(model, h, f, now), vulnerabilities: matchHost(index, f) }
      : { facts: null, error: o.facts.errors.get(h.name) ?? { code: 'E_NO_FACTS', message: 'no facts' }, diff: null, vulnerabilities: [] };
    if (o.perHost) {
      obs.facts = o.perHost(h, obs, index);
      o.facts.facts.delete(h.name);
    }
    observations[h.name] = obs;
  }

  let runs: RunRecord[] = [];
  try {
    runs = await readRuns(o.repo);
  } catch (e) {
    if (!(e instanceof GitReadError)) throw e; // not a git repository: no ledger yet, nothing was recorded
  }
  const referenced = runs.flatMap((r) => [r.commit ?? '', ...r.hosts.flatMap((h) => h.actions.map((a) => /@([0-9a-f]{7,40})$/.exec(a.source)?.[1] ?? ''))]).filter(Boolean);
  const git = await readGitHistory(o.repo, o.ref ?? 'HEAD', 'remediations', referenced);

  return {
    input: { model, now: now.toISOString(), period: o.period, hosts: observations, advisories: store.advisories, runs, git, program },
    storeProblems: store.problems,
    index,
  };
}
