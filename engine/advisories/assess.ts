import type { Facts, InstalledPackage } from '../facts/types.js';
import type { HostEntry, Model } from '../model/types.js';
import type { KevCatalog } from '../prioritize/kev.js';
import type { Policy } from '../prioritize/policy.js';
import { basisOf, groupByVulnerability, priorityOf, type Priority } from '../prioritize/worklist.js';
import { schemeForOs, type VersionScheme } from '../versioning/index.js';
import { Coverage, type ExceptionCover, type RemediationCover } from './coverage.js';
import { matchHost, type AdvisoryIndex, type Vulnerability } from './match.js';
import { fixOnMirror, mirrorFor, type MirrorPackages } from './mirror-index.js';
import type { Severity } from './types.js';

/**
 * A host's vulnerabilities as the organization sees them: the matcher's results grouped into one entry per
 * vulnerability and source package, each with whether the fix is on the internal mirror, which remediation answers
 * it (approved for the host's ring or not), which exception excuses it, and its priority. Pure; the advisory index,
 * the remediation index and the mirror index are built once for the whole fleet.
 */

export interface VulnerabilityEntry {
  /** The vulnerability's name: its first CVE id, else its first advisory id. */
  vulnerability: string;
  /** CVE ids of the grouped advisories. */
  ids: string[];
  advisories: string[];
  severity: Severity;
  cvssScore?: number;
  sourcePackage: string;
  sourceVersion: string;
  /** Installed binaries built from the source, with the fixed (source) version the advisories ask for. */
  packages: Array<{ name: string; installedVersion: string; fixed?: string }>;
  /** The highest fixed source version any of the grouped advisories asks for; absent = no fix published. */
  fixed?: string;
  /** not-affected: a VEX statement (suppressedBy) says this package is not affected after all. */
  status: 'affected' | 'under-investigation' | 'not-affected';
  suppressedBy?: string;
  /** available null: unknown (no mirror consulted, or none serves this host's release). */
  mirror: { available: boolean | null; versions?: Record<string, string>; missing?: string[]; note?: string };
  /** Remediations answering it, best first (see Coverage.remediations). */
  remediations: RemediationCover[];
  exception?: ExceptionCover;
  /** Still to be dealt with: affected or under investigation, and no exception excuses it. */
  open: boolean;
  priority?: Priority;
}

export interface HostVulnerabilities {
  host: string;
  system: string;
  ring: string;
  /** `debian 12`, or null when the host's OS is unknown. */
  os: string | null;
  entries: VulnerabilityEntry[];
  /** Installed versions the OS's version scheme refuses: they cannot be matched and need a look. */
  unorderable: Array<{ package: string; version: string }>;
  /** Why nothing could be matched at all (no OS, no package list, no version order for the OS). */
  unknown?: string;
}

export interface AssessInput {
  model: Model;
  index: AdvisoryIndex;
  /** null: the mirror was not consulted (`--no-mirror`); availability is then unknown. */
  mirrors: readonly MirrorPackages[] | null;
  policy: Policy;
  kev?: KevCatalog;
  now: Date;
}

export class Assessor {
  private readonly coverage: Coverage;

  constructor(private readonly input: AssessInput) {
    this.coverage = new Coverage(input.model, input.now);
  }

  host(host: HostEntry, facts: Facts): HostVulnerabilities {
    const base = { host: host.name, system: host.system, ring: host.ring, os: facts.os ? `${facts.os.id} ${facts.os.versionId}` : null };
    const unknown = !facts.os ? 'the OS is unknown' : !facts.packages ? 'the installed packages are unknown' : !schemeForOs(facts.os.id) ? `no version order is known for ${facts.os.id}` : undefined;
    if (unknown) return { ...base, entries: [], unorderable: [], unknown };
    const scheme = schemeForOs(facts.os!.id)!;
    const unorderable: HostVulnerabilities['unorderable'] = [];
    const matches = matchHost(this.input.index, facts, { onUnorderable: (p: InstalledPackage, version: string) => unorderable.push({ package: p.name, version }) });
    const bySource = new Map<string, Vulnerability[]>();
    for (const v of matches) {
      const list = bySource.get(v.sourcePackage);
      if (list) list.push(v);
      else bySource.set(v.sourcePackage, [v]);
    }
    const mirror = this.input.mirrors ? mirrorFor(this.input.mirrors, facts) : undefined;
    const entries: VulnerabilityEntry[] = [];
    for (const list of bySource.values()) {
      for (const group of list.length === 1 ? [list] : groupByVulnerability(list)) entries.push(this.entry(host, facts, group, scheme, mirror));
    }
    entries.sort((a, b) => Number(b.open) - Number(a.open) || cmp(a.sourcePackage, b.sourcePackage) || cmp(a.vulnerability, b.vulnerability));
    return { ...base, entries, unorderable };
  }

  private entry(host: HostEntry, facts: Facts, group: Vulnerability[], scheme: VersionScheme, mirror: MirrorPackages | undefined): VulnerabilityEntry {
    const live = group.length === 1 ? (group[0]!.status === 'not-affected' ? [] : group) : group.filter((v) => v.status !== 'not-affected');
    const basis = live.length ? live : group;
    const b = basisOf(basis);
    // Each installed binary once, with the highest fix an affected advisory asks for; the entry's fix is the highest of those.
    let fixed: string | undefined;
    const pkgs: VulnerabilityEntry['packages'] = [];
    for (const v of basis) {
      const f = v.status === 'affected' ? v.fixed : undefined;
      if (f && (!fixed || scheme.compare(f, fixed) > 0)) fixed = f;
      const seen = pkgs.find((p) => p.name === v.package);
      if (!seen) pkgs.push(f ? { name: v.package, installedVersion: v.installedVersion, fixed: f } : { name: v.package, installedVersion: v.installedVersion });
      else if (f && (!seen.fixed || scheme.compare(f, seen.fixed) > 0)) seen.fixed = f;
    }
    if (pkgs.length > 1) pkgs.sort((x, y) => (x.name < y.name ? -1 : 1));
    const status: VulnerabilityEntry['status'] = !live.length ? 'not-affected' : b.affected ? 'affected' : 'under-investigation';
    const subject = { ids: b.ids, advisories: b.advisories, sourcePackage: basis[0]!.sourcePackage, sourceVersion: basis[0]!.sourceVersion, packages: pkgs };
    const remediations = this.coverage.remediations(subject, host, facts, scheme);
    const exception = this.coverage.exception(subject, host, remediations.length ? remediations.map((r) => r.id) : NONE);
    const e: VulnerabilityEntry = {
      vulnerability: b.ids[0] ?? b.advisories[0]!,
      ids: b.ids,
      advisories: b.advisories,
      severity: b.severity,
      sourcePackage: subject.sourcePackage,
      sourceVersion: subject.sourceVersion,
      packages: pkgs,
      status,
      mirror: this.onMirror(mirror, subject.sourcePackage, fixed, pkgs, scheme, facts),
      remediations,
      open: status !== 'not-affected' && !exception,
    };
    if (b.cvssScore !== undefined) e.cvssScore = b.cvssScore;
    if (fixed) e.fixed = fixed;
    if (status === 'not-affected') e.suppressedBy = group.find((v) => v.suppressedBy)?.suppressedBy;
    if (exception) e.exception = exception;
    if (status !== 'not-affected') e.priority = priorityOf(host.name, b, this.input);
    return e;
  }

  private onMirror(mirror: MirrorPackages | undefined, source: string, fixed: string | undefined, pkgs: VulnerabilityEntry['packages'], scheme: VersionScheme, facts: Facts): VulnerabilityEntry['mirror'] {
    if (!this.input.mirrors) return { available: null, note: 'the mirror was not consulted' };
    if (!mirror) return { available: null, note: `no mirror in policy.mirrors serves ${facts.os?.id ?? '?'} ${facts.os?.versionId ?? '?'}` };
    if (!fixed) return { available: false, note: 'no fix is published' };
    const found = fixOnMirror(mirror, source, fixed, pkgs.map((p) => p.name.replace(/:[a-z0-9-]+$/, '')), scheme, facts.arch);
    return { available: found.available, versions: found.versions, ...(found.missing.length ? { missing: found.missing } : {}) };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const NONE: readonly string[] = [];
