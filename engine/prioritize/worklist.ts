import type { Vulnerability } from '../advisories/match.js';
import { CVE_ID, severityRank, type Severity } from '../advisories/types.js';
import type { HostEntry, Model, SystemEntry } from '../model/types.js';
import { schemeForOs } from '../versioning/index.js';
import type { KevCatalog, KevEntry } from './kev.js';
import { tierOf, type Policy } from './policy.js';

/**
 * The ordered work list (SP 800-40 2.4): one item per host and vulnerability, scored by the policy's weights, put
 * in a tier, given a deadline from when the group first learned of it. Pure. Every point of a score is a Reason, so
 * that a reviewer can see why an item ranks where it does.
 */

export interface HostMatches {
  host: string;
  vulnerabilities: readonly Vulnerability[];
}

export interface Reason {
  factor: 'severity' | 'impact' | 'criticality' | 'exposure' | 'known-exploited' | 'ransomware' | 'exploit-assumed';
  points: number;
  detail: string;
}

export interface WorkItem extends Priority {
  host: string;
  system?: string;
  /** The vulnerability's name: its first CVE id, else the advisory id. */
  vulnerability: string;
  /** Every CVE id of the advisories grouped into this item. */
  ids: string[];
  advisories: string[];
  status: 'affected' | 'under-investigation';
  packages: Array<{ name: string; installedVersion: string; sourcePackage: string; sourceVersion: string; fixed?: string }>;
  severity: Severity;
  cvssScore?: number;
  fixAvailable: boolean;
}

export interface WorkList {
  generatedAt: string;
  items: WorkItem[];
  /** Matches a VEX statement declared not affected: kept out of the list, counted here. */
  suppressed: number;
  byTier: Record<string, number>;
}

export interface PrioritizeInput {
  matches: Iterable<HostMatches>;
  model: Pick<Model, 'hosts' | 'systems'>;
  policy: Policy;
  kev?: KevCatalog;
  now: Date;
}

export function prioritize(input: PrioritizeInput): WorkList {
  const { policy, now } = input;
  const items: WorkItem[] = [];
  let suppressed = 0;
  for (const { host, vulnerabilities } of input.matches) {
    const live = vulnerabilities.filter((v) => v.status !== 'not-affected');
    suppressed += vulnerabilities.length - live.length;
    for (const group of groupByVulnerability(live)) items.push(itemOf(host, group, input));
  }
  items.sort(itemOrder(policy));
  const byTier: Record<string, number> = Object.fromEntries(policy.tiers.map((t) => [t.name, 0]));
  for (const i of items) byTier[i.tier]!++;
  return { generatedAt: now.toISOString(), items, suppressed, byTier };
}

/** The work list's order: tier, then deadline, then score (highest first), then host and vulnerability. */
export function itemOrder(policy: Policy): (a: WorkItem, b: WorkItem) => number {
  const rank = new Map(policy.tiers.map((t, i) => [t.name, i]));
  return (a, b) => rank.get(a.tier)! - rank.get(b.tier)! || a.deadline.localeCompare(b.deadline) || b.score - a.score || a.host.localeCompare(b.host) || a.vulnerability.localeCompare(b.vulnerability);
}

/** Matches on one host that share any id (a DSA and the tracker's CVE entries it fixes) are one vulnerability to work on. */
export function groupByVulnerability(list: readonly Vulnerability[]): Vulnerability[][] {
  const parent = list.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  list.forEach((v, i) => {
    for (const id of [v.advisoryId, ...v.aliases]) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Vulnerability[]>();
  list.forEach((v, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(v);
    else groups.set(r, [v]);
  });
  return [...groups.values()];
}

/** What a vulnerability on a host is worth to the work list: its tier, deadline and the reasons for both. */
export interface Priority {
  score: number;
  tier: string;
  /** When the group first learned of the vulnerability (the earliest `knew` of its advisories). */
  knew: string;
  deadline: string;
  deadlineFrom: 'tier' | 'kev-due-date';
  overdue: boolean;
  reasons: Reason[];
  knownExploited?: { cve: string; dateAdded: string; dueDate?: string; ransomware: boolean };
}

/** What the priority of one vulnerability depends on, apart from the host. */
export interface PriorityBasis {
  /** CVE ids, sorted: the first one in the catalog counts. */
  ids: readonly string[];
  severity: Severity;
  cvssScore?: number;
  fixAvailable: boolean;
  /** The earliest `knew` of the advisories; absent = now. */
  knew?: string;
}

/** The priority of one vulnerability on one host. Pure; cheap enough to call for every vulnerability of a fleet. */
export function priorityOf(host: string, basis: PriorityBasis, input: Omit<PrioritizeInput, 'matches'>): Priority {
  const { policy, model, kev, now } = input;
  const h = model.hosts.get(host);
  const system = h ? model.systems.get(h.system) : undefined;
  let known: KevEntry | undefined;
  if (kev) for (const id of basis.ids) if ((known = kev.entries.get(id))) break;
  const reasons = reasonsOf(policy, h, system, basis.severity, basis.cvssScore, known, basis.fixAvailable);
  let score = 0;
  for (const r of reasons) score += r.points;
  const tier = tierOf(policy, score);
  const knew = basis.knew ?? isoOf(now);
  let deadline = deadlineOf(policy, knew, tier.deadlineSeconds);
  let deadlineFrom: Priority['deadlineFrom'] = 'tier';
  if (known?.dueDate && policy.kevDueDates) {
    const due = `${known.dueDate}T23:59:59.000Z`;
    if (due < deadline) {
      deadline = due;
      deadlineFrom = 'kev-due-date';
    }
  }
  const p: Priority = { score, tier: tier.name, knew, deadline, deadlineFrom, overdue: deadline < isoOf(now), reasons };
  if (known) p.knownExploited = { cve: known.cveID, dateAdded: known.dateAdded, ...(known.dueDate ? { dueDate: known.dueDate } : {}), ransomware: known.ransomware };
  return p;
}

/** What a group of matches (one vulnerability on one host) says, in one pass: most groups hold one match. */
export function basisOf(group: readonly Vulnerability[]): PriorityBasis & { advisories: string[]; ids: string[]; affected: boolean } {
  if (group.length === 1) {
    const v = group[0]!;
    const ids = v.aliases.filter((a) => CVE_ID.test(a));
    if (ids.length > 1) ids.sort();
    const affected = v.status === 'affected';
    const out: PriorityBasis & { advisories: string[]; ids: string[]; affected: boolean } = { ids, advisories: [v.advisoryId], severity: v.severity, fixAvailable: affected && v.fixed !== undefined, affected };
    if (v.cvssScore !== undefined) out.cvssScore = v.cvssScore;
    if (v.knew) out.knew = v.knew;
    return out;
  }
  const idSet = new Set<string>();
  const advisorySet = new Set<string>();
  let severity: Severity = 'unknown';
  let cvssScore: number | undefined;
  let fixAvailable = false;
  let affected = false;
  let knew: string | undefined;
  for (const v of group) {
    for (const a of v.aliases) if (CVE_ID.test(a)) idSet.add(a);
    advisorySet.add(v.advisoryId);
    if (v.severity !== 'unknown' && (severity === 'unknown' || severityRank(v.severity) > severityRank(severity))) severity = v.severity;
    if (v.cvssScore !== undefined && (cvssScore === undefined || v.cvssScore > cvssScore)) cvssScore = v.cvssScore;
    if (v.status === 'affected') {
      affected = true;
      if (v.fixed !== undefined) fixAvailable = true;
    }
    if (v.knew && (knew === undefined || v.knew < knew)) knew = v.knew;
  }
  const ids = idSet.size > 1 ? [...idSet].sort() : [...idSet];
  const advisories = advisorySet.size > 1 ? [...advisorySet].sort() : [...advisorySet];
  const out: PriorityBasis & { advisories: string[]; ids: string[]; affected: boolean } = { ids, advisories, severity, fixAvailable, affected };
  if (cvssScore !== undefined) out.cvssScore = cvssScore;
  if (knew !== undefined) out.knew = knew;
  return out;
}

/** One work item from matches on one host that are one vulnerability (see groupByVulnerability). */
export function itemOf(host: string, group: readonly Vulnerability[], input: Omit<PrioritizeInput, 'matches'>): WorkItem {
  const b = basisOf(group);
  const p = priorityOf(host, b, input);
  const h = input.model.hosts.get(host);
  const item: WorkItem = {
    host,
    vulnerability: b.ids[0] ?? b.advisories[0]!,
    ids: b.ids,
    advisories: b.advisories,
    status: b.affected ? 'affected' : 'under-investigation',
    packages: packagesOf(group),
    severity: b.severity,
    fixAvailable: b.fixAvailable,
    score: p.score,
    tier: p.tier,
    knew: p.knew,
    deadline: p.deadline,
    deadlineFrom: p.deadlineFrom,
    overdue: p.overdue,
    reasons: p.reasons,
  };
  if (h) item.system = h.system;
  if (b.cvssScore !== undefined) item.cvssScore = b.cvssScore;
  if (p.knownExploited) item.knownExploited = p.knownExploited;
  return item;
}

const isoCache = new WeakMap<Date, string>();
function isoOf(d: Date): string {
  let s = isoCache.get(d);
  if (s === undefined) isoCache.set(d, (s = d.toISOString()));
  return s;
}

// A fleet's hosts each have dozens of vulnerabilities: what depends only on the host, or only on (knew, tier), is
// worked out once per policy and reused (the reasons are shared, read-only values).
const hostCache = new WeakMap<Policy, WeakMap<HostEntry, Reason[]>>();
const deadlineCache = new WeakMap<Policy, Map<string, string>>();

/**
 * The reasons of an item. Items of one host that agree on severity, CVSS score, catalog entry and fix share one
 * (read-only) array: a host has many vulnerabilities but few distinct combinations.
 */
function reasonsOf(policy: Policy, h: HostEntry | undefined, system: SystemEntry | undefined, severity: Severity, cvssScore: number | undefined, known: KevEntry | undefined, fixAvailable: boolean): Reason[] {
  const shared = h ? sharedReasons(policy, h) : undefined;
  const key = `${severity}\u0000${cvssScore ?? ''}\u0000${known?.cveID ?? ''}\u0000${fixAvailable ? 1 : 0}`;
  const hit = shared?.get(key);
  if (hit) return hit;
  const w = policy.weights;
  const reasons: Reason[] = [];
  const add = (factor: Reason['factor'], points: number, detail: string) => {
    if (points) reasons.push({ factor, points, detail });
  };
  add('severity', w.severity[severity], `severity ${severity}${cvssScore !== undefined ? ` (CVSS ${cvssScore})` : ''}`);
  reasons.push(...hostReasons(policy, h, system));
  if (known) {
    add('known-exploited', w.knownExploited, `${known.cveID} is in the known-exploited catalog (added ${known.dateAdded})`);
    if (known.ransomware) add('ransomware', w.ransomware, `${known.cveID} is used in ransomware campaigns`);
  } else if (fixAvailable) {
    add('exploit-assumed', w.exploitAssumed, 'a patch exists, so an exploit is assumed to exist (SP 800-40 2.4)');
  }
  if (shared) {
    if (shared.size > 256) shared.clear();
    shared.set(key, reasons);
  }
  return reasons;
}

const reasonCache = new WeakMap<Policy, WeakMap<HostEntry, Map<string, Reason[]>>>();
function sharedReasons(policy: Policy, h: HostEntry): Map<string, Reason[]> {
  let perHost = reasonCache.get(policy);
  if (!perHost) reasonCache.set(policy, (perHost = new WeakMap()));
  let m = perHost.get(h);
  if (!m) perHost.set(h, (m = new Map()));
  return m;
}

function hostReasons(policy: Policy, h: HostEntry | undefined, system: SystemEntry | undefined): Reason[] {
  if (!h) return [];
  let perHost = hostCache.get(policy);
  if (!perHost) hostCache.set(policy, (perHost = new WeakMap()));
  let out = perHost.get(h);
  if (out) return out;
  const w = policy.weights;
  out = [];
  const add = (factor: Reason['factor'], points: number, detail: string) => {
    if (points) out!.push({ factor, points, detail });
  };
  if (system) add('impact', w.impact[system.impact], `system ${system.name} has FIPS 199 impact ${system.impact}`);
  if (h.criticality) add('criticality', w.criticality[h.criticality], `host criticality ${h.criticality}`);
  const exposed = h.tags?.filter((t) => policy.exposureTags.includes(t)) ?? [];
  if (exposed.length) add('exposure', w.internetFacing, `host is tagged ${exposed.join(', ')}`);
  perHost.set(h, out);
  return out;
}

function deadlineOf(policy: Policy, knew: string, seconds: number): string {
  let cache = deadlineCache.get(policy);
  if (!cache) deadlineCache.set(policy, (cache = new Map()));
  const key = `${knew}\u0000${seconds}`;
  let d = cache.get(key);
  if (d === undefined) {
    if (cache.size > 4096) cache.clear();
    cache.set(key, (d = new Date(Date.parse(knew) + seconds * 1000).toISOString()));
  }
  return d;
}

/** Each installed package once, with the highest fix any of the grouped advisories asks for. */
function packagesOf(group: readonly Vulnerability[]): WorkItem['packages'] {
  const byName = new Map<string, WorkItem['packages'][number]>();
  for (const v of group) {
    const prev = byName.get(v.package);
    const scheme = schemeForOs(v.ecosystem.os);
    const higher = (a?: string, b?: string) => (!a ? b : !b ? a : scheme && scheme.compare(b, a) > 0 ? b : a);
    const fixed = higher(prev?.fixed, v.fixed);
    byName.set(v.package, { name: v.package, installedVersion: v.installedVersion, sourcePackage: v.sourcePackage, sourceVersion: v.sourceVersion, ...(fixed ? { fixed } : {}) });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
