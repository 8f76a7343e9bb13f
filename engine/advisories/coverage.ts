import { remediationApplies } from '../diff/applicability.js';
import { endOf } from '../model/rules/expiry.js';
import type { ExceptionEntry, HostEntry, Model, RemediationEntry } from '../model/types.js';
import { approvalFor } from '../plan/approvals.js';
import type { Facts } from '../facts/types.js';
import { parseRange, satisfies, type Comparator, type VersionScheme } from '../versioning/index.js';

/**
 * What the organization already decided about a vulnerability on a host: which remediation answers it (and whether
 * the board approved it for the host's ring), or which exception excuses it. Pure. The remediations and exceptions
 * are indexed once, so a fleet costs one lookup per vulnerability, not one scan of the remediation database.
 */

export interface RemediationCover {
  id: string;
  /** `file:line` of the remediation. */
  source: string;
  /** How it answers the vulnerability: it names one of its ids, or its selector names the package in an affected version. */
  by: 'advisory' | 'package';
  /** Its selector picks this host (platform, systems, hosts, tags, package range). */
  applies: boolean;
  why?: string;
  approved: boolean;
  approval?: string;
  /** Why it may not reach the host yet: 'no approval', 'approved for pilot, not for ring broad' … */
  awaiting?: string;
}

export interface ExceptionCover {
  id: string;
  kind: 'deferral' | 'false-positive';
  expires: string;
  source: string;
  /** The exception names a covering remediation, or the finding (vulnerability:<id> or package-vulnerable:<binary>). */
  via: 'remediation' | 'finding';
}

/** What coverage is asked about: one vulnerability (its ids), in one source package, on one host. */
export interface CoverageSubject {
  /** CVE ids and advisory ids. */
  ids: readonly string[];
  advisories: readonly string[];
  sourcePackage: string;
  sourceVersion: string;
  packages: ReadonlyArray<{ name: string; installedVersion: string }>;
}

export class Coverage {
  private readonly byId = new Map<string, RemediationEntry[]>();
  private readonly bySource = new Map<string, RemediationEntry[]>();
  private readonly byBinary = new Map<string, RemediationEntry[]>();
  private readonly approvals = new Map<string, ReturnType<typeof approvalFor>>();
  private readonly ranges = new Map<RemediationEntry, Comparator[] | null>();
  private readonly exceptionsByHost = new Map<string, ExceptionEntry[]>();
  private readonly exceptionsBySystem = new Map<string, ExceptionEntry[]>();

  constructor(
    private readonly model: Model,
    private readonly now: Date,
  ) {
    const add = (map: Map<string, RemediationEntry[]>, key: string, r: RemediationEntry) => map.set(key, [...(map.get(key) ?? []), r]);
    for (const r of model.remediations.values()) {
      for (const id of new Set((r.advisories ?? []).map((a) => a.toUpperCase()))) add(this.byId, id, r);
      const p = r.selector.package;
      if (p) add(p.source ? this.bySource : this.byBinary, p.name, r);
    }
    for (const x of model.exceptions.values()) {
      if (endOf(x.expires) < now.getTime()) continue;
      if (x.host) this.exceptionsByHost.set(x.host, [...(this.exceptionsByHost.get(x.host) ?? []), x]);
      if (x.system) this.exceptionsBySystem.set(x.system, [...(this.exceptionsBySystem.get(x.system) ?? []), x]);
    }
  }

  /** Remediations that answer the vulnerability, best first: applying and approved, then applying, then the rest. */
  remediations(subject: CoverageSubject, host: HostEntry, facts: Facts, scheme: VersionScheme): RemediationCover[] {
    let found: Map<string, { r: RemediationEntry; by: RemediationCover['by'] }> | undefined;
    const add = (r: RemediationEntry, by: RemediationCover['by']) => {
      if (!found) found = new Map();
      if (!found.has(r.id)) found.set(r.id, { r, by });
    };
    if (this.byId.size) {
      for (const id of subject.ids) for (const r of this.byId.get(id.toUpperCase()) ?? []) add(r, 'advisory');
      for (const id of subject.advisories) for (const r of this.byId.get(id.toUpperCase()) ?? []) add(r, 'advisory');
    }
    for (const r of this.bySource.get(subject.sourcePackage) ?? []) if (this.covers(r, subject.sourceVersion, scheme)) add(r, 'package');
    if (this.byBinary.size) for (const p of subject.packages) for (const r of this.byBinary.get(p.name) ?? []) if (this.covers(r, p.installedVersion, scheme)) add(r, 'package');
    if (!found) return [];
    const out = [...found.values()].map(({ r, by }) => this.cover(r, by, host, facts));
    const rank = (c: RemediationCover) => (c.applies ? (c.approved ? 0 : 1) : 2);
    return out.sort((a, b) => rank(a) - rank(b) || (a.by === b.by ? 0 : a.by === 'advisory' ? -1 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Whether the remediation's package range holds for the version; a range the scheme cannot read answers nothing (validate reports it). */
  private covers(r: RemediationEntry, version: string, scheme: VersionScheme): boolean {
    let range = this.ranges.get(r);
    if (range === undefined) this.ranges.set(r, (range = parseRange(r.selector.package?.affected ?? '*')));
    if (!range) return false;
    try {
      return satisfies(scheme, version, range);
    } catch {
      return false;
    }
  }

  /** An active exception that excuses the vulnerability on this host, if any. */
  exception(subject: CoverageSubject, host: HostEntry, remediationIds: readonly string[]): ExceptionCover | undefined {
    const list = [...(this.exceptionsByHost.get(host.name) ?? []), ...(this.exceptionsBySystem.get(host.system) ?? [])];
    if (!list.length) return undefined;
    const findings = new Set([...subject.ids, ...subject.advisories].map((id) => `vulnerability:${id}`.toUpperCase()).concat(subject.packages.map((p) => `package-vulnerable:${p.name}`.toUpperCase())));
    for (const x of list) {
      const via = x.remediation && remediationIds.includes(x.remediation) ? 'remediation' : x.finding && findings.has(x.finding.toUpperCase()) ? 'finding' : undefined;
      if (via) return { id: x.id, kind: x.kind, expires: x.expires, source: `${x.source.file}:${x.source.line}`, via };
    }
    return undefined;
  }

  private cover(r: RemediationEntry, by: RemediationCover['by'], host: HostEntry, facts: Facts): RemediationCover {
    const source = `${r.source.file}:${r.source.line}`;
    const applies = remediationApplies(r, host, facts);
    if (!applies.applies) return { id: r.id, source, by, applies: false, why: applies.why, approved: false };
    const key = `${r.id}\u0000${host.ring}`;
    let verdict = this.approvals.get(key);
    if (!verdict) this.approvals.set(key, (verdict = approvalFor(this.model, r.id, host, this.now)));
    return 'approved' in verdict ? { id: r.id, source, by, applies: true, approved: true, approval: verdict.approved.id } : { id: r.id, source, by, applies: true, approved: false, awaiting: verdict.awaiting };
  }
}
