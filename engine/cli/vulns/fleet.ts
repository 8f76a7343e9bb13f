import { Assessor } from '../../advisories/assess.js';
import { buildIndex } from '../../advisories/match.js';
import { readMirror } from '../../advisories/mirror-fetch.js';
import type { MirrorPackages } from '../../advisories/mirror-index.js';
import { loadStore } from '../../advisories/store.js';
import { collectFacts as collect, type CollectedFacts } from '../../inputs/facts.js';
import type { Facts } from '../../facts/types.js';
import type { LoadResult } from '../../model/load.js';
import type { Problem } from '../../model/problem.js';
import { readRepoFile } from '../../model/source.js';
import type { HostEntry, Model } from '../../model/types.js';
import { loadKevAt } from '../../prioritize/kev.js';
import { policyOf, type Policy } from '../../prioritize/policy.js';
import { loadValidModel, progress, selectHosts } from '../common.js';
import { manualWork } from '../../manual/status.js';
import { buildReport, type HostReport, type VulnsReport } from './report.js';

/**
 * The I/O around the pure assessment, shared by `plumb vulns` and `plumb propose`: the desired state, the advisory
 * store (indexed once), the policy's mirrors (read once), the hosts' facts (live, one round trip each, or a
 * snapshot), then one Assessor over all hosts.
 */

export interface FleetOptions {
  repo: string;
  ref?: string;
  host?: string[];
  system?: string;
  /** A facts snapshot (plumb facts --all --out FILE) instead of asking the hosts. */
  facts?: string;
  /** Read the policy's mirrors (default true). */
  mirror?: boolean;
  concurrency?: number;
  worklist?: boolean;
  now?: Date;
}

export interface Fleet {
  loaded: LoadResult;
  policy: Policy;
  hosts: HostEntry[];
  facts: Map<string, Facts>;
  mirrors: MirrorPackages[] | null;
  report: VulnsReport;
  /** Problems of the advisory store (unreadable files): their advisories were not matched. */
  storeProblems: Problem[];
}

export async function assessFleet(opts: FleetOptions): Promise<Fleet> {
  const now = opts.now ?? new Date();
  const loaded = await loadValidModel(opts.repo, opts.ref);
  const { model } = loaded;
  const hosts = selectHosts(model, { host: opts.host, system: opts.system });
  const policy = policyOf(model);
  const store = loadStore(opts.repo);
  const index = buildIndex(store.advisories);
  const kev = policy.kevCatalog ? (await loadKevAt(opts.repo, model.commit, policy.kevCatalog)).catalog : undefined;
  const mirrors = opts.mirror === false ? null : await Promise.all(policy.mirrors.map((m) => readMirror(m, { keyring: (p) => readRepoFile(opts.repo, model.commit, p), now })));

  const { facts, errors } = await collectFacts(hosts, model, { facts: opts.facts, concurrency: opts.concurrency });

  const assessor = new Assessor({ model, index, mirrors, policy, kev, now });
  const reports: HostReport[] = hosts.map((h) => {
    const f = facts.get(h.name);
    // Manual remediations on the host (SP 800-40 4.1.5): done only when attested and, with a check, verified.
    const manual = manualWork(model, h, f ?? null, now);
    if (!f) return { host: h.name, system: h.system, ring: h.ring, os: null, entries: [], unorderable: [], manual, error: errors.get(h.name) ?? { code: 'E_NO_FACTS', message: 'no facts' } };
    return { ...assessor.host(h, f), manual };
  });
  const report = buildReport({ generatedAt: now, commit: model.commit, advisories: index.advisories, mirrors, hosts: reports, policy, worklist: Boolean(opts.worklist) });
  return { loaded, policy, hosts, facts, mirrors, report, storeProblems: store.problems };
}

/** Facts of these hosts, live (with a progress line on a terminal) or from a snapshot: engine/inputs/facts.ts. */
export async function collectFacts(hosts: readonly HostEntry[], model: Model, opts: { facts?: string; concurrency?: number }): Promise<CollectedFacts> {
  if (opts.facts) return collect(hosts, model, opts);
  const bar = progress('gathering facts');
  try {
    return await collect(hosts, model, { ...opts, onProgress: (done, total, host) => bar.update(done, total, host) });
  } finally {
    bar.end();
  }
}
