import type { RemediationDocument } from '../model/types.generated.js';
import { satisfies, schemeForOs, type VersionScheme } from '../versioning/index.js';
import type { HostVulnerabilities, VulnerabilityEntry } from './assess.js';
import { fixOnMirror, mirrorFor, type MirrorPackages } from './mirror-index.js';
import { maxSeverity, severityRank, type Severity } from './types.js';

/**
 * `plumb propose`, the pure part: open vulnerabilities that have a published fix and no remediation yet, grouped per
 * source package and release into one patch remediation each. A group is skipped when any remediation a person (or
 * an earlier proposal) wrote already answers it — by naming one of its advisories or CVEs, or by selecting the
 * source package in the installed versions — wherever that remediation lives: working tree, base commit, or the
 * proposal branch. Writing it to a branch is the CLI's business (engine/cli/propose/).
 */

export interface ProposalGroup {
  sourcePackage: string;
  os: string;
  release: string;
  /** The highest fixed source version the grouped advisories ask for. */
  fixed: string;
  advisories: string[];
  /** CVE ids. */
  ids: string[];
  severity: Severity;
  hosts: Array<{ host: string; system: string; ring: string; installed: string }>;
  /** Open host × vulnerability entries the group answers. */
  vulnerabilities: number;
  /** Installed binaries from the source → the version to install: the signed mirror index's build of the fix, only. */
  packages: Array<{ name: string; version: string; from: 'mirror' }>;
  /** Binaries the hosts install from the source for which the mirror has no build of the fix (left out). */
  missing: string[];
  /**
   * Binaries a host says are built from this source that the signed mirror index says come from another: a host's
   * word is never propagated to every host, so they are left out, and shown.
   */
  disputed: Array<{ name: string; claimed: string; index: string[]; hosts: string[] }>;
  fixOnMirror: boolean;
  tier?: string;
  deadline?: string;
  score?: number;
}

export interface Skipped {
  sourcePackage: string;
  release: string;
  vulnerabilities: string[];
  reason: string;
}

/** A remediation that already exists somewhere; only what coverage needs. */
export type KnownRemediation = Pick<RemediationDocument, 'id' | 'advisories' | 'selector'> & { where: string };

export interface ProposeInput {
  hosts: readonly HostVulnerabilities[];
  /** Every remediation of the working tree, the base commit and the proposal branch. */
  known: readonly KnownRemediation[];
  mirrors: readonly MirrorPackages[] | null;
  /** Where the hosts' entries were judged (their `remediations` come from there), for the skip reasons: 'working tree'. */
  judgedIn?: string;
}

/** Open, fixable, unanswered vulnerabilities grouped per (source package, release); and the groups left alone, with why. */
export function proposalGroups(input: ProposeInput): { groups: ProposalGroup[]; skipped: Skipped[] } {
  const buckets = new Map<string, { os: string; release: string; items: Array<{ h: HostVulnerabilities; e: VulnerabilityEntry }> }>();
  const answered = new Map<string, Skipped>();
  for (const h of input.hosts) {
    if (!h.os) continue;
    const [os, release] = h.os.split(' ') as [string, string];
    for (const e of h.entries) {
      if (!e.open || e.status !== 'affected' || !e.fixed) continue;
      if (e.remediations.length) {
        const key = `${e.sourcePackage}\u0000${h.os}\u0000${e.remediations[0]!.id}`;
        const s = answered.get(key) ?? { sourcePackage: e.sourcePackage, release: h.os, vulnerabilities: [], reason: `already answered by ${e.remediations[0]!.id} (${input.judgedIn ? `${input.judgedIn}, ` : ''}${e.remediations[0]!.source})` };
        if (!s.vulnerabilities.includes(e.vulnerability)) s.vulnerabilities.push(e.vulnerability);
        answered.set(key, s);
        continue;
      }
      const key = `${e.sourcePackage}\u0000${os}\u0000${release}`;
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { os, release, items: [] }));
      b.items.push({ h, e });
    }
  }
  const groups: ProposalGroup[] = [];
  const skipped: Skipped[] = [...answered.values()].map((s) => ({ ...s, vulnerabilities: s.vulnerabilities.sort() }));
  for (const b of buckets.values()) {
    const scheme = schemeForOs(b.os);
    if (!scheme) continue;
    const g = group(b.os, b.release, b.items, scheme, input.mirrors);
    const skip = (reason: string) => skipped.push({ sourcePackage: g.sourcePackage, release: `${g.os} ${g.release}`, vulnerabilities: [...new Set(b.items.map((x) => x.e.vulnerability))].sort(), reason });
    const by = coveredBy(g, b.items, input.known, scheme);
    if (by) {
      skip(`already answered by ${by.id} (${by.where})`);
      continue;
    }
    const unfit = unwritable(g) ?? unsourced(g, input.mirrors);
    if (unfit) skip(unfit);
    else groups.push(g);
  }
  skipped.sort((a, b) => a.sourcePackage.localeCompare(b.sourcePackage) || a.release.localeCompare(b.release));
  groups.sort((a, b) => (a.deadline ?? '9').localeCompare(b.deadline ?? '9') || severityRank(b.severity) - severityRank(a.severity) || a.sourcePackage.localeCompare(b.sourcePackage) || a.release.localeCompare(b.release));
  return { groups, skipped };
}

function group(os: string, release: string, items: Array<{ h: HostVulnerabilities; e: VulnerabilityEntry }>, scheme: VersionScheme, mirrors: readonly MirrorPackages[] | null): ProposalGroup {
  const source = items[0]!.e.sourcePackage;
  let fixed = items[0]!.e.fixed!;
  for (const { e } of items) if (scheme.compare(e.fixed!, fixed) > 0) fixed = e.fixed!;
  const claimed = [...new Set(items.flatMap(({ e }) => e.packages.map((p) => p.name)))].sort();
  const mirror = mirrors ? mirrorFor(mirrors, { os: { id: os, versionId: release } }) : undefined;
  // Which binaries a source builds is the signed index's word, never a host's: a claim it contradicts is disputed.
  const disputed: ProposalGroup['disputed'] = [];
  const binaries: string[] = [];
  for (const name of claimed) {
    const index = mirror ? [...(sourcesOf(mirror).get(name) ?? [])].sort() : [];
    if (mirror && index.length && !index.includes(source)) {
      const hosts = [...new Set(items.filter(({ e }) => e.packages.some((p) => p.name === name)).map(({ h }) => h.host))].sort();
      disputed.push({ name, claimed: source, index, hosts });
    } else binaries.push(name);
  }
  const found = mirror ? fixOnMirror(mirror, source, fixed, binaries, scheme) : undefined;
  const urgent = items.filter(({ e }) => e.priority).sort((a, b) => a.e.priority!.deadline.localeCompare(b.e.priority!.deadline) || b.e.priority!.score - a.e.priority!.score)[0]?.e.priority;
  const hosts = new Map<string, ProposalGroup['hosts'][number]>();
  for (const { h, e } of items) if (!hosts.has(h.host)) hosts.set(h.host, { host: h.host, system: h.system, ring: h.ring, installed: e.sourceVersion });
  return {
    sourcePackage: source,
    os,
    release,
    fixed,
    advisories: [...new Set(items.flatMap(({ e }) => e.advisories))].sort(),
    ids: [...new Set(items.flatMap(({ e }) => e.ids))].sort(),
    severity: maxSeverity(items.map(({ e }) => e.severity)),
    hosts: [...hosts.values()].sort((a, b) => a.host.localeCompare(b.host)),
    vulnerabilities: items.length,
    packages: binaries.flatMap((name) => (found?.versions[name] ? [{ name, version: found.versions[name]!, from: 'mirror' as const }] : [])),
    missing: binaries.filter((name) => !found?.versions[name]),
    disputed,
    fixOnMirror: Boolean(found?.available),
    ...(urgent ? { tier: urgent.tier, deadline: urgent.deadline, score: urgent.score } : {}),
  };
}

// The schema's patterns (common.schema.json): what a remediation may carry to a host's shell. Names and versions
// come from hosts' facts and the mirror's index; one odd value must not stop every other proposal.
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+~^_:-]{0,127}$/;
const OS_ID = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/** Why a group has nothing the signed mirror index vouches for, if so: plumb proposes versions only from it. */
function unsourced(g: ProposalGroup, mirrors: readonly MirrorPackages[] | null): string | undefined {
  if (!mirrors || !mirrorFor(mirrors, { os: { id: g.os, versionId: g.release } })) return `no signed mirror index serves ${g.os} ${g.release}: plumb proposes the versions to install only from one`;
  if (!g.packages.length) return `the signed mirror index has no build of ${g.sourcePackage} ${g.fixed} for ${[...g.missing, ...g.disputed.map((d) => d.name)].join(', ') || 'any installed binary'}`;
  return undefined;
}

const reverse = new WeakMap<MirrorPackages, Map<string, Set<string>>>();
/** The mirror's binary → source packages (a name may come from more than one source over time), once per index. */
function sourcesOf(m: MirrorPackages): Map<string, Set<string>> {
  let r = reverse.get(m);
  if (!r) {
    r = new Map();
    for (const [source, list] of m.bySource) for (const b of list) (r.get(b.package) ?? r.set(b.package, new Set()).get(b.package)!).add(source);
    reverse.set(m, r);
  }
  return r;
}

/** Why the group cannot be written as a remediation that validates, if it cannot. */
function unwritable(g: ProposalGroup): string | undefined {
  if (!PACKAGE_NAME.test(g.sourcePackage)) return `the source package name ${JSON.stringify(g.sourcePackage)} is not one a remediation may name`;
  if (!VERSION.test(g.fixed)) return `the fixed version ${JSON.stringify(g.fixed)} is not one a remediation may name`;
  if (!OS_ID.test(g.os) || !/^[A-Za-z0-9][A-Za-z0-9.+~^_:-]*$/.test(g.release)) return `the OS release ${JSON.stringify(`${g.os} ${g.release}`)} cannot be written as a platform`;
  const bad = g.packages.find((p) => !PACKAGE_NAME.test(p.name) || !VERSION.test(p.version));
  return bad ? `the installed package ${JSON.stringify(bad.name)} (${JSON.stringify(bad.version)}) is not one a remediation may name` : undefined;
}

/** The first known remediation that answers the group: by one of its ids, or by its source package in an installed version. */
function coveredBy(g: ProposalGroup, items: Array<{ e: VulnerabilityEntry }>, known: readonly KnownRemediation[], scheme: VersionScheme): KnownRemediation | undefined {
  const ids = new Set([...g.advisories, ...g.ids].map((x) => x.toUpperCase()));
  const installed = [...new Set(items.map(({ e }) => e.sourceVersion))];
  const binaries = new Set(g.packages.map((p) => p.name));
  for (const r of known) {
    if (r.advisories?.some((a) => ids.has(a.toUpperCase()))) return r;
    const p = r.selector.package;
    if (!p || (p.source ? p.name !== g.sourcePackage : !binaries.has(p.name))) continue;
    try {
      // By package: the remediation selects this source in a version the hosts have, or already installs the fix.
      if (p.source && installed.some((v) => satisfies(scheme, v, p.affected ?? '*'))) return r;
      if (!p.source && items.some(({ e }) => e.packages.some((x) => x.name === p.name && satisfies(scheme, x.installedVersion, p.affected ?? '*')))) return r;
    } catch {
      /* an unreadable range answers nothing; validate reports it */
    }
  }
  return undefined;
}

/** `PLB-<year>-<nnnn>`: the next number of the year not used by any known remediation. */
export function nextIds(count: number, year: number, taken: Iterable<string>): string[] {
  let max = 0;
  const re = new RegExp(`^PLB-${year}-(\\d+)$`);
  for (const id of taken) {
    const m = re.exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return Array.from({ length: count }, (_, i) => `PLB-${year}-${String(max + 1 + i).padStart(4, '0')}`);
}

const ADVISORY_NAME = /^[A-Za-z][A-Za-z0-9._:-]{1,127}$/;
const REMEDIATION_SEVERITY = new Set(['critical', 'high', 'medium', 'low', 'negligible']);
const HOSTS_LISTED = 20;

/** The remediation document for a group; `now` gives `created`. */
export function remediationFor(g: ProposalGroup, id: string, now: Date): RemediationDocument {
  const names = [...g.advisories.filter((a) => !a.startsWith('CVE-')), ...g.ids].filter((a) => ADVISORY_NAME.test(a));
  const title = `${g.sourcePackage} security update (${g.advisories.find((a) => !a.startsWith('CVE-')) ?? g.ids[0] ?? g.advisories[0]})`;
  const severity = REMEDIATION_SEVERITY.has(g.severity) ? g.severity : 'medium';
  const systems = [...new Set(g.hosts.map((h) => h.system))].sort();
  const hostList = g.hosts.slice(0, HOSTS_LISTED).map((h) => h.host).join(', ') + (g.hosts.length > HOSTS_LISTED ? ` and ${g.hosts.length - HOSTS_LISTED} more` : '');
  const lines = [
    `Fixes ${g.ids.length ? `${g.ids.length} CVE${g.ids.length === 1 ? '' : 's'}` : 'the advisories listed'} in ${g.sourcePackage} on ${g.os} ${g.release}; fixed in source version ${g.fixed}.`,
    `Found on ${g.hosts.length} host${g.hosts.length === 1 ? '' : 's'} (system${systems.length === 1 ? '' : 's'} ${systems.join(', ')}): ${hostList}.`,
    'The versions below are the internal mirror\'s builds of the fix, from its signed index.',
    ...(g.missing.length ? [`The mirror has no build of the fix for ${g.missing.join(', ')} yet: left out; approve only once it has.`] : []),
    ...g.disputed.map((d) => `Left out: ${d.hosts.slice(0, 5).join(', ')}${d.hosts.length > 5 ? ' and others' : ''} report${d.hosts.length === 1 ? 's' : ''} ${d.name} built from ${d.claimed}; the signed mirror index says ${d.index.join(', ')}.`),
    ...(g.tier ? [`Priority: tier ${g.tier}${g.score !== undefined ? ` (score ${g.score})` : ''}, deadline ${g.deadline!.slice(0, 10)}.`] : []),
    ...(g.severity === 'unknown' ? ['The advisories give no severity; medium is assumed.'] : []),
  ];
  return {
    id,
    title: title.slice(0, 512),
    description: `${lines.join('\n')}\n`,
    ...(names.length ? { advisories: [...new Set(names)] } : {}),
    severity: severity as RemediationDocument['severity'],
    kind: 'patch',
    selector: {
      platforms: [{ os: g.os, versions: releaseRange(g.release) }],
      package: { name: g.sourcePackage, source: true, affected: `< ${g.fixed}` },
    },
    action: { packages: g.packages.map((p) => ({ name: p.name, version: p.version })) as NonNullable<NonNullable<RemediationDocument['action']>['packages']> },
    verification: `\`plumb vulns\` no longer lists ${g.ids[0] ?? g.advisories[0]} on these hosts, and dpkg-query reports the versions above or later.\n`,
    rollback: 'Downgrading re-opens the vulnerabilities: roll back only for a confirmed regression, to the previous build still on the internal mirror.\n',
    ...(g.deadline ? { deadline: g.deadline.slice(0, 10) } : {}),
    proposed_by: 'plumb-propose',
    created: now.toISOString().slice(0, 10),
  };
}

/** Debian's VERSION_ID is the major release ('12'): '>= 12, < 13'. Others ('22.04'): exactly that release. */
export function releaseRange(release: string): string {
  return /^\d+$/.test(release) ? `>= ${release}, < ${Number(release) + 1}` : `= ${release}`;
}
