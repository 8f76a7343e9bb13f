import { isInstalled } from '../facts/package-state.js';
import type { Facts } from '../facts/types.js';
import type { HostEntry, Model, Platform, RemediationEntry } from '../model/types.js';
import { parseRange, satisfies, satisfiesOsVersion, schemeForOs, type Comparator } from '../versioning/index.js';

export type Applicability = { applies: true; matched?: { package: string; version: string } } | { applies: false; why: string };

const platformVerdicts = new WeakMap<Platform, Map<string, boolean>>();

/** Whether a host's OS is a platform; remembered per platform and OS release, which a fleet repeats endlessly. */
export function platformMatches(platform: Platform | undefined, facts: Facts): boolean {
  if (!platform) return true;
  if (!facts.os) return false;
  if (facts.os.id !== platform.os) return false;
  if (!platform.versions) return true;
  let byRelease = platformVerdicts.get(platform);
  if (!byRelease) platformVerdicts.set(platform, (byRelease = new Map()));
  let v = byRelease.get(facts.os.versionId);
  if (v === undefined) byRelease.set(facts.os.versionId, (v = satisfiesOsVersion(facts.os.versionId, platform.versions)));
  return v;
}

/**
 * Whether a remediation concerns a host: every condition of its selector must hold. A package condition matches
 * the binary package by name, or, with `source: true`, every installed binary built from that source package,
 * compared by source version — which is how Debian advisories name what is affected.
 */
export function remediationApplies(r: RemediationEntry, host: HostEntry, facts: Facts, model?: Model): Applicability {
  const s = r.selector;
  if (s.hosts && !s.hosts.includes(host.name)) return { applies: false, why: 'host not selected' };
  if (s.systems && !s.systems.includes(host.system)) return { applies: false, why: 'system not selected' };
  if (s.tags && !s.tags.some((t) => host.tags?.includes(t))) return { applies: false, why: 'no selected tag' };
  if (s.platforms && !s.platforms.some((p) => platformMatches(p, facts))) return { applies: false, why: 'platform not selected' };
  if (!s.package) return { applies: true };
  if (!facts.packages) return { applies: false, why: 'installed packages unknown' };
  const scheme = facts.os ? schemeForOs(facts.os.id) : null;
  if (!scheme) return { applies: false, why: 'no version scheme for this OS' };
  const range = parsedRange(s.package.affected ?? '*');
  const candidates = s.package.source ? sourceIndex(facts, model ? sourcesNamed(model) : null).get(s.package.name) : installed(facts.packages[s.package.name]);
  for (const p of candidates ?? []) {
    const version = s.package.source ? p.sourceVersion : p.version;
    if (satisfies(scheme, version, range)) return { applies: true, matched: { package: p.name, version } };
  }
  return { applies: false, why: `${s.package.name} not installed in an affected version` };
}

type Installed = NonNullable<Facts['packages']>[string];

function installed(p: Installed | undefined): Installed[] | undefined {
  return isInstalled(p) ? [p!] : undefined;
}

const sourcesByModel = new WeakMap<Model, Set<string>>();
/** Source packages that some remediation selects by: the only ones a host's index needs. */
export function sourcesNamed(model: Model): Set<string> {
  let s = sourcesByModel.get(model);
  if (!s) {
    s = new Set([...model.remediations.values()].flatMap((r) => (r.selector.package?.source ? [r.selector.package.name] : [])));
    sourcesByModel.set(model, s);
  }
  return s;
}

// One host is diffed at a time and every remediation asks about its packages: the index of the host being diffed
// is kept, and only for the source packages remediations name (a full index per host cost more than the diff).
let lastFacts: Facts | undefined;
let lastIndex: Map<string, Installed[]> | undefined;
let lastWanted: Set<string> | null = null;

export function sourceIndex(facts: Facts, wanted: Set<string> | null): Map<string, Installed[]> {
  if (lastFacts === facts && lastWanted === wanted && lastIndex) return lastIndex;
  const idx = new Map<string, Installed[]>();
  for (const p of Object.values(facts.packages ?? {})) {
    if ((wanted && !wanted.has(p.source)) || !installed(p)) continue;
    const list = idx.get(p.source);
    if (list) list.push(p);
    else idx.set(p.source, [p]);
  }
  lastFacts = facts;
  lastWanted = wanted;
  lastIndex = idx;
  return idx;
}

const ranges = new Map<string, Comparator[]>();
function parsedRange(range: string): Comparator[] | string {
  let r = ranges.get(range);
  if (!r) {
    const parsed = parseRange(range);
    if (!parsed) return range; // satisfies() reports the bad range
    ranges.set(range, (r = parsed));
  }
  return r;
}
