import type { Facts, InstalledPackage } from '../facts/types.js';
import { schemeForOs, type VersionScheme } from '../versioning/index.js';
import { candidateReleases } from './ecosystem.js';
import { CVE_ID, type Advisory, type AdvisorySource, type AffectedPackage, type Ecosystem, type Severity, type StoredAdvisory } from './types.js';

/**
 * Matching advisories to a host's packages. Pure. The index is built once; per host, each installed package is
 * looked up by its source package (Debian, Ubuntu: advisories name sources) and by its own name (binary RPMs,
 * CSAF binaries), so the cost grows with hosts × packages, never with the number of advisories.
 */

export type MatchStatus = 'affected' | 'under-investigation' | 'not-affected';

export interface Vulnerability {
  advisoryId: string;
  source: AdvisorySource;
  /** The vulnerability ids this match is about (CVE ids first). */
  aliases: string[];
  /** The binary package installed on the host. */
  package: string;
  installedVersion: string;
  sourcePackage: string;
  sourceVersion: string;
  /** Which name the advisory used: the source package (compared at sourceVersion) or the binary (at installedVersion). */
  matchedOn: 'source' | 'binary';
  ecosystem: Ecosystem;
  /** The version that fixes this installed version; absent = no fix yet. */
  fixed?: string;
  /** not-affected: an advisory says it is vulnerable, but a VEX statement (suppressedBy) says this package is not. */
  status: MatchStatus;
  suppressedBy?: string;
  severity: Severity;
  cvssScore?: number;
  /** When the group first learned of the advisory (stored advisories only). */
  knew?: string;
  published?: string;
  note?: string;
}

interface Candidate {
  advisory: Advisory | StoredAdvisory;
  affected: AffectedPackage;
  /** Vulnerability ids, for reporting and for VEX suppression. */
  ids: string[];
  /** The fields every match of this entry shares, computed on first use. */
  shared?: Shared;
}

type Shared = Pick<Vulnerability, 'advisoryId' | 'source' | 'aliases' | 'ecosystem' | 'severity' | 'cvssScore' | 'knew' | 'published' | 'note'>;

interface Hit {
  candidate: Candidate;
  status: MatchStatus;
  fixed?: string;
  /** Which bucket the hit came from: source entries compare the source version, binary ones the installed version. */
  on: 'source' | 'binary';
}

interface Bucket {
  kind: 'source' | 'binary';
  candidates: Candidate[];
  /** installed version → hits; hosts of one release share versions, so most lookups are answered here. */
  memo: Map<string, Hit[]>;
}

interface ReleaseIndex {
  source: Map<string, Bucket>;
  binary: Map<string, Bucket>;
}

export interface AdvisoryIndex {
  /** `${os}\u0000${release}` → packages of that release. */
  releases: Map<string, ReleaseIndex>;
  advisories: number;
  entries: number;
}

const MEMO_LIMIT = 256;

export function buildIndex(advisories: Iterable<Advisory | StoredAdvisory>): AdvisoryIndex {
  const releases = new Map<string, ReleaseIndex>();
  let count = 0;
  let entries = 0;
  for (const advisory of advisories) {
    if (advisory.withdrawn) continue;
    count++;
    const allIds = [advisory.id, ...advisory.aliases];
    for (const affected of advisory.affected) {
      const key = `${affected.ecosystem.os}\u0000${affected.ecosystem.release}`;
      let rel = releases.get(key);
      if (!rel) releases.set(key, (rel = { source: new Map(), binary: new Map() }));
      const map = affected.packageKind === 'source' ? rel.source : rel.binary;
      let bucket = map.get(affected.package);
      if (!bucket) map.set(affected.package, (bucket = { kind: affected.packageKind, candidates: [], memo: new Map() }));
      bucket.candidates.push({ advisory, affected, ids: affected.ids ?? allIds });
      entries++;
    }
  }
  return { releases, advisories: count, entries };
}

/** dpkg states in which the package's files are on disk (config-files leaves only configuration behind). */
const PRESENT = new Set(['installed', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaiting', 'triggers-pending']);

export interface MatchOptions {
  /** Called for an installed version the scheme refuses to order: it cannot be matched, and should be looked at. */
  onUnorderable?(pkg: InstalledPackage, version: string, error: unknown): void;
}

export function matchHost(index: AdvisoryIndex, facts: Pick<Facts, 'os' | 'packages'>, opts: MatchOptions = {}): Vulnerability[] {
  if (!facts.os || !facts.packages) return [];
  const scheme = schemeForOs(facts.os.id);
  if (!scheme) return [];
  const rels: ReleaseIndex[] = [];
  for (const r of candidateReleases(facts.os.versionId)) {
    const rel = index.releases.get(`${facts.os.id}\u0000${r}`);
    if (rel) rels.push(rel);
  }
  if (!rels.length) return [];
  const out: Vulnerability[] = [];
  const hits: Hit[] = [];
  // Object.keys and an index walk a 500-key dictionary faster than for-of over Object.values (measured).
  const packages = facts.packages;
  const names = Object.keys(packages);
  for (let n = 0; n < names.length; n++) {
    const pkg = packages[names[n]!]!;
    if (pkg.status !== 'installed' && !PRESENT.has(pkg.status)) continue;
    const src = pkg.source || pkg.name;
    const srcVersion = pkg.sourceVersion || pkg.version;
    hits.length = 0;
    for (let r = 0; r < rels.length; r++) {
      const rel = rels[r]!;
      const sb = rel.source.get(src);
      if (sb !== undefined) {
        const found = evaluate(sb, srcVersion, scheme, pkg, opts);
        for (let i = 0; i < found.length; i++) hits.push(found[i]!);
      }
      const bb = rel.binary.size ? rel.binary.get(pkg.name) : undefined;
      if (bb !== undefined) {
        const found = evaluate(bb, pkg.version, scheme, pkg, opts);
        for (let i = 0; i < found.length; i++) hits.push(found[i]!);
      }
    }
    if (hits.length === 1 && hits[0]!.status !== 'not-affected') out.push(vulnerability(hits[0]!, pkg, src, srcVersion, undefined));
    else if (hits.length) resolve(hits, pkg, src, srcVersion, out);
  }
  return out;
}

function evaluate(bucket: Bucket, version: string, scheme: VersionScheme, pkg: InstalledPackage, opts: MatchOptions): Hit[] {
  const known = bucket.memo.get(version);
  if (known) return known;
  const hits: Hit[] = [];
  try {
    for (const c of bucket.candidates) {
      const h = decide(c, version, scheme, bucket.kind);
      if (h) hits.push(h);
    }
  } catch (e) {
    opts.onUnorderable?.(pkg, version, e);
    return [];
  }
  if (bucket.memo.size >= MEMO_LIMIT) bucket.memo.clear();
  bucket.memo.set(version, hits);
  return hits;
}

function listed(a: AffectedPackage, v: string, scheme: VersionScheme): boolean {
  return a.versions !== undefined && a.versions.some((x) => x === v || scheme.compare(v, x) === 0);
}

/** Does this advisory entry speak about this installed version, and how? */
export function decide(candidate: Candidate, v: string, scheme: VersionScheme, on: 'source' | 'binary'): Hit | undefined {
  const a = candidate.affected;
  if (a.status === 'not-affected' || a.status === 'under-investigation') {
    if (a.versions && !listed(a, v, scheme)) return undefined;
    return { candidate, status: a.status, on };
  }
  if (a.ranges) {
    for (const r of a.ranges) {
      if (r.introduced && r.introduced !== '0' && scheme.compare(v, r.introduced) < 0) continue;
      if (r.fixed ? scheme.compare(v, r.fixed) < 0 : r.lastAffected ? scheme.compare(v, r.lastAffected) <= 0 : true) {
        return { candidate, status: 'affected', fixed: r.fixed, on };
      }
    }
    return listed(a, v, scheme) ? { candidate, status: 'affected', fixed: a.fixed, on } : undefined;
  }
  if (a.versions) return listed(a, v, scheme) ? { candidate, status: 'affected', fixed: a.fixed, on } : undefined;
  if (a.fixed) return scheme.compare(v, a.fixed) < 0 ? { candidate, status: 'affected', fixed: a.fixed, on } : undefined;
  return { candidate, status: 'affected', on };
}

const RANK: Record<MatchStatus, number> = { affected: 2, 'under-investigation': 1, 'not-affected': 0 };

/** One result per advisory and package; VEX not-affected statements suppress affected results about the same vulnerability. */
function resolve(hits: readonly Hit[], pkg: InstalledPackage, src: string, srcVersion: string, out: Vulnerability[]): void {
  let vex: Hit[] | undefined;
  for (const h of hits) if (h.status === 'not-affected') (vex ??= []).push(h);
  // A package has a handful of hits: comparing each with each beats building a Map per package.
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.status === 'not-affected') continue;
    let kept = true;
    for (let j = 0; j < hits.length && kept; j++) {
      const o = hits[j]!;
      if (j !== i && o.status !== 'not-affected' && o.candidate.advisory === h.candidate.advisory) kept = !preferred(o, h, j < i);
    }
    if (kept) out.push(vulnerability(h, pkg, src, srcVersion, vex ? suppressing(h.candidate, vex) : undefined));
  }
}

/**
 * Streams of one release (RHEL AUS/E4S/TUS, Ubuntu Pro) and source-plus-binary entries say the same thing once:
 * the stronger status wins, then the standard channel over a subscription one, then the first.
 */
function preferred(a: Hit, b: Hit, aFirst: boolean): boolean {
  if (RANK[a.status] !== RANK[b.status]) return RANK[a.status] > RANK[b.status];
  const av = a.candidate.affected.ecosystem.variant !== undefined;
  const bv = b.candidate.affected.ecosystem.variant !== undefined;
  if (av !== bv) return !av;
  return aFirst;
}

/** A result with one fixed shape (absent fields are undefined), which keeps millions of them cheap to build. */
function vulnerability(h: Hit, pkg: InstalledPackage, src: string, srcVersion: string, suppressedBy: string | undefined): Vulnerability {
  const s = h.candidate.shared ?? (h.candidate.shared = sharedOf(h.candidate));
  return {
    advisoryId: s.advisoryId,
    source: s.source,
    aliases: s.aliases,
    package: pkg.name,
    installedVersion: pkg.version,
    sourcePackage: src,
    sourceVersion: srcVersion,
    matchedOn: h.on,
    ecosystem: s.ecosystem,
    fixed: h.fixed,
    status: suppressedBy ? 'not-affected' : h.status,
    suppressedBy,
    severity: s.severity,
    cvssScore: s.cvssScore,
    knew: s.knew,
    published: s.published,
    note: s.note,
  };
}

function sharedOf(c: Candidate): Shared {
  const adv = c.advisory;
  const ids = c.affected.ids;
  const scores = (adv.cvss ?? []).filter((x) => x.score !== undefined && (!ids || !x.ids || x.ids.some((y) => ids.includes(y))));
  return {
    advisoryId: adv.id,
    source: adv.source,
    aliases: ids ?? adv.aliases,
    ecosystem: c.affected.ecosystem,
    severity: c.affected.severity ?? adv.severity,
    cvssScore: scores.length ? Math.max(...scores.map((x) => x.score!)) : undefined,
    knew: 'knew' in adv ? adv.knew : undefined,
    published: adv.published,
    note: c.affected.note,
  };
}

/**
 * The advisory whose not-affected statements cover this match, if any. An advisory about several CVEs is
 * suppressed only when every one of its CVEs is declared not affecting this package; without CVE ids, any shared id counts.
 */
function suppressing(c: Candidate, vex: readonly Hit[]): string | undefined {
  if (!vex.length) return undefined;
  const cves = c.ids.filter((x) => CVE_ID.test(x));
  const wanted = cves.length ? cves : c.ids;
  const by = new Map<string, string>();
  for (const v of vex) for (const id of v.candidate.ids) if (!by.has(id)) by.set(id, v.candidate.advisory.id);
  if (cves.length) return cves.every((x) => by.has(x)) ? by.get(cves[0]!) : undefined;
  const shared = wanted.find((x) => by.has(x));
  return shared ? by.get(shared) : undefined;
}
