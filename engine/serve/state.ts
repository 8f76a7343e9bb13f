import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Assessor, type VulnerabilityEntry } from '../advisories/assess.js';
import { STORE_DIR, type AdvisoryIndex } from '../advisories/index.js';
import { InvalidDesiredState } from '../errors/index.js';
import { LATEST_FACTS } from '../facts/latest.js';
import type { Facts } from '../facts/types.js';
import { factsFromSnapshot, readFactsSnapshot, type CollectedFacts } from '../inputs/facts.js';
import { assembleMetricsInput, parsePeriod } from '../inputs/metrics-input.js';
import { readRef } from '../ledger/ref-update.js';
import { LEDGER_REF } from '../ledger/types.js';
import type { HostObservation, MetricsInput } from '../metrics/types.js';
import { loadRepository } from '../model/load.js';
import type { HostEntry, Model } from '../model/types.js';
import { findGitDir, resolveCommit } from '../model/source.js';
import { loadKevAt } from '../prioritize/kev.js';
import { policyOf } from '../prioritize/policy.js';
import { admissionPolicyOf, admissionSubject, type AdmissionPolicy, type AdmissionSubject } from './admission.js';
import { HostLookup } from './lookup.js';

/**
 * What `plumb serve` (and `plumb admit`) answer from: the desired state at a ref, the newest facts (the reconciler's
 * .plumb/facts/latest.json, or a snapshot), the ledger and the advisory store, assembled once into plain values.
 * Views and verdicts are pure functions of a ServedState; the server swaps in a new one when a source changes.
 */

export interface StateSources {
  repo: string;
  /** The desired state's ref (a commit is what the reconciler applies; the working tree is never served). */
  ref: string;
  /** A facts snapshot file; default: the reconciler's .plumb/facts/latest.json in the repository. */
  facts?: string;
}

export interface ServedState {
  /** Changes whenever anything served may have changed: the sources' identities and when the state was built. */
  version: string;
  builtAt: string;
  commit: string | null;
  /** The metrics input over every host; facts are trimmed to what the views read (no package lists or contents). */
  input: MetricsInput;
  /** Per observed host: its vulnerabilities as `plumb vulns` assesses them (the mirror is not consulted). */
  vulnerabilities: Map<string, VulnerabilityEntry[]>;
  policy: AdmissionPolicy;
  subjects: Map<string, AdmissionSubject>;
  lookup: HostLookup;
  /** Things a reader should know: an unreadable advisory file, no facts yet. */
  warnings: string[];
}

export function factsPath(src: StateSources): string {
  return src.facts ?? join(src.repo, LATEST_FACTS);
}

/**
 * A cheap fingerprint of every source (a ref lookup, a few stats): polled every few seconds, and the state is rebuilt
 * only when it changes. The advisory store is watched through its folders, which change whenever a file is added,
 * replaced (renamed into place) or removed.
 */
export async function probeSources(src: StateSources): Promise<string> {
  const parts: string[] = [];
  parts.push(`commit:${await resolveCommit(src.repo, src.ref, {})}`);
  try {
    parts.push(`ledger:${readRef(await findGitDir(src.repo), LEDGER_REF) ?? '-'}`);
  } catch {
    parts.push('ledger:-');
  }
  const stamp = (p: string) => {
    try {
      const s = statSync(p);
      return `${s.ino}.${s.size}.${s.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  parts.push(`facts:${stamp(factsPath(src))}`);
  const store = join(src.repo, STORE_DIR);
  parts.push(`store:${stamp(store)}`);
  if (existsSync(store)) for (const d of readdirSync(store).sort()) parts.push(`${d}:${stamp(join(store, d))}`);
  return parts.join(' ');
}

/** Only what the views read: the lists of packages, files, settings and units can be large and are already judged. */
function trimmed(f: Facts): Facts {
  return { ...f, packages: {}, held: [], files: {}, settings: {}, services: {}, sysctl: {} };
}

export interface BuildOptions {
  /** Only these hosts are judged and assessed (`plumb admit` asks about one); default every host. */
  select?: (model: Model) => HostEntry[];
}

/** A rebuild runs beside the requests on one thread: it lets them through every this many hosts (a few ms of work). */
const YIELD_EVERY = 50;

export async function buildState(src: StateSources, now = new Date(), opts: BuildOptions = {}): Promise<ServedState> {
  const probe = await probeSources(src);
  const loaded = await loadRepository(src.repo, src.ref);
  const errors = loaded.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new InvalidDesiredState(errors.length, { problems: errors });
  const { model } = loaded;
  const hosts = opts.select ? opts.select(model) : [...model.hosts.values()];
  const warnings: string[] = [];

  const path = factsPath(src);
  let facts: CollectedFacts;
  if (existsSync(path)) facts = factsFromSnapshot(readFactsSnapshot(path), hosts, path);
  else {
    warnings.push(`no facts yet at ${path}: every host counts as not observed (plumb reconcile keeps them there; or pass --facts FILE)`);
    facts = { facts: new Map(), errors: new Map(hosts.map((h) => [h.name, { code: 'E_NO_FACTS', message: 'no facts have been gathered yet' }])) };
  }

  const prio = policyOf(model);
  const kev = prio.kevCatalog ? (await loadKevAt(src.repo, model.commit, prio.kevCatalog)).catalog : undefined;
  const policy = admissionPolicyOf(model);
  const vulnerabilities = new Map<string, VulnerabilityEntry[]>();
  const subjects = new Map<string, AdmissionSubject>();
  let assessor: Assessor | undefined;
  // One pass per host, its full facts used and dropped: assessed, judged, then kept trimmed.
  const perHost = (h: HostEntry, obs: HostObservation, index: AdvisoryIndex): Facts | null => {
    const f = obs.facts;
    assessor ??= new Assessor({ model, index, mirrors: null, policy: prio, kev, now });
    const entries = f ? assessor.host(h, f).entries : [];
    if (f) vulnerabilities.set(h.name, entries);
    subjects.set(h.name, admissionSubject(model, h, policy, { gatheredAt: f?.gatheredAt ?? null, error: obs.error, diff: obs.diff, vulnerabilities: entries }));
    return f ? trimmed(f) : null;
  };
  const { input, storeProblems } = await assembleMetricsInput({ repo: src.repo, ref: src.ref, model, hosts, facts, period: parsePeriod(undefined, undefined, now), now, yieldEvery: YIELD_EVERY, perHost });
  if (storeProblems.length) warnings.push(`${storeProblems.length} advisory store file(s) could not be read and were not matched`);

  return { version: `${probe} built:${now.toISOString()}`, builtAt: now.toISOString(), commit: model.commit, input, vulnerabilities, policy, subjects, lookup: new HostLookup(model.hosts.values()), warnings };
}
