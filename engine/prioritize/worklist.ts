import type { Vulnerability } from '../advisories/match.js';
import { CVE_ID, maxSeverity, type Severity } from '../advisories/types.js';
import type { Model } from '../model/types.js';
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

export interface WorkItem {
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
  knownExploited?: { cve: string; dateAdded: string; dueDate?: string; ransomware: boolean };
  score: number;
  tier: string;
  /** When the group first learned of the vulnerability (the earliest `knew` of its advisories). */
  knew: string;
  deadline: string;
  deadlineFrom: 'tier' | 'kev-due-date';
  overdue: boolean;
  reasons: Reason[];
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
    groups.set(r, [...(groups.get(r) ?? []), v]);
  });
  return [...groups.values()];
}

/** One work item from matches on one host that are one vulnerability (see groupByVulnerability). */
export function itemOf(host: string, group: readonly Vulnerability[], input: Omit<PrioritizeInput, 'matches'>): WorkItem {
  const { policy, model, kev, now } = input;
  const w = policy.weights;
  const h = model.hosts.get(host);
  const system = h ? model.systems.get(h.system) : undefined;
  const ids = [...new Set(group.flatMap((v) => v.aliases).filter((x) => CVE_ID.test(x)))].sort();
  const advisories = [...new Set(group.map((v) => v.advisoryId))].sort();
  const severity = maxSeverity(group.map((v) => v.severity));
  const scores = group.flatMap((v) => (v.cvssScore === undefined ? [] : [v.cvssScore]));
  const cvssScore = scores.length ? Math.max(...scores) : undefined;
  const fixAvailable = group.some((v) => v.status === 'affected' && v.fixed !== undefined);
  const known: KevEntry | undefined = kev ? ids.map((id) => kev.entries.get(id)).find((e) => e !== undefined) : undefined;

  const reasons: Reason[] = [];
  const add = (factor: Reason['factor'], points: number, detail: string) => {
    if (points) reasons.push({ factor, points, detail });
  };
  add('severity', w.severity[severity], `severity ${severity}${cvssScore !== undefined ? ` (CVSS ${cvssScore})` : ''}`);
  if (system) add('impact', w.impact[system.impact], `system ${system.name} has FIPS 199 impact ${system.impact}`);
  if (h?.criticality) add('criticality', w.criticality[h.criticality], `host criticality ${h.criticality}`);
  const exposed = h?.tags?.filter((t) => policy.exposureTags.includes(t)) ?? [];
  if (exposed.length) add('exposure', w.internetFacing, `host is tagged ${exposed.join(', ')}`);
  if (known) {
    add('known-exploited', w.knownExploited, `${known.cveID} is in the known-exploited catalog (added ${known.dateAdded})`);
    if (known.ransomware) add('ransomware', w.ransomware, `${known.cveID} is used in ransomware campaigns`);
  } else if (fixAvailable) {
    add('exploit-assumed', w.exploitAssumed, 'a patch exists, so an exploit is assumed to exist (SP 800-40 2.4)');
  }
  const score = reasons.reduce((s, r) => s + r.points, 0);
  const tier = tierOf(policy, score);

  const knew = group.map((v) => v.knew).filter((k): k is string => !!k).sort()[0] ?? now.toISOString();
  let deadline = new Date(Date.parse(knew) + tier.deadlineSeconds * 1000).toISOString();
  let deadlineFrom: WorkItem['deadlineFrom'] = 'tier';
  if (known?.dueDate && policy.kevDueDates) {
    const due = `${known.dueDate}T23:59:59.000Z`;
    if (due < deadline) {
      deadline = due;
      deadlineFrom = 'kev-due-date';
    }
  }

  return {
    host,
    ...(h ? { system: h.system } : {}),
    vulnerability: ids[0] ?? advisories[0]!,
    ids,
    advisories,
    status: group.some((v) => v.status === 'affected') ? 'affected' : 'under-investigation',
    packages: packagesOf(group),
    severity,
    ...(cvssScore !== undefined ? { cvssScore } : {}),
    fixAvailable,
    ...(known ? { knownExploited: { cve: known.cveID, dateAdded: known.dateAdded, ...(known.dueDate ? { dueDate: known.dueDate } : {}), ransomware: known.ransomware } } : {}),
    score,
    tier: tier.name,
    knew,
    deadline,
    deadlineFrom,
    overdue: deadline < now.toISOString(),
    reasons,
  };
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
