import { maxSeverity, type StoredAdvisory } from '../advisories/index.js';
import type { RunRecord } from '../ledger/types.js';
import type { ApprovalEntry, Model, RemediationEntry } from '../model/types.js';
import { instant } from './time.js';
import type { GitHistory, Severity } from './types.js';

/** A moment and where it was read from, so that a report can say why a clock started when it did. */
export interface Moment {
  at: number;
  from: string;
}

/** Advisories about the same vulnerability (a DSA, the tracker's CVE entry, an OSV record), joined by shared ids. */
export interface AdvisoryGroup {
  ids: string[];
  advisories: StoredAdvisory[];
  published?: number;
  /** Earliest import of any advisory of the group, and which advisory that was. */
  imported?: number;
  importedId?: string;
  severity: Severity;
}

const earlier = (a: Moment | undefined, b: Moment | undefined): Moment | undefined => (!a ? b : !b ? a : b.at < a.at ? b : a);

export function groupAdvisories(advisories: StoredAdvisory[]): Map<string, AdvisoryGroup> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let c = x; c !== r; ) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const union = (a: string, b: string) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(rb, ra);
  };
  const live = advisories.filter((a) => !a.withdrawn);
  for (const a of live) {
    union(a.id, a.id);
    for (const alias of a.aliases) union(a.id, alias);
  }
  const groups = new Map<string, AdvisoryGroup>();
  for (const a of live) {
    const root = find(a.id);
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { ids: [], advisories: [], severity: 'unknown' }));
    g.advisories.push(a);
    const pub = a.published ? instant(a.published) : NaN;
    if (!Number.isNaN(pub) && (g.published === undefined || pub < g.published)) g.published = pub;
    const knew = instant(a.knew);
    if (!Number.isNaN(knew) && (g.imported === undefined || knew < g.imported)) {
      g.imported = knew;
      g.importedId = a.id;
    }
  }
  const byId = new Map<string, AdvisoryGroup>();
  for (const [id, root] of [...parent.keys()].map((k) => [k, find(k)] as const)) {
    const g = groups.get(root);
    if (!g) continue;
    g.ids.push(id);
    byId.set(id, g);
  }
  for (const g of groups.values()) {
    g.ids.sort((a, b) => (a.startsWith('CVE-') === b.startsWith('CVE-') ? (a < b ? -1 : 1) : a.startsWith('CVE-') ? -1 : 1));
    g.severity = maxSeverity(g.advisories.map((a) => a.severity));
  }
  return byId;
}

/**
 * Everything with a clock in it: when advisories were published and imported, when remediations and approvals
 * reached git, and when the ledger verified each remediation's findings on each host. Pure.
 */
export class Timeline {
  readonly groups: Map<string, AdvisoryGroup>;
  /** host → remediation → finding key → verifications still standing (a completed rollback withdraws its run's). */
  /** advisory id → remediations that name it. */
  private readonly naming = new Map<string, RemediationEntry[]>();
  private readonly verifications = new Map<string, Map<string, Map<string, Array<{ run: string; at: number }>>>>();

  constructor(
    private readonly model: Model,
    advisories: StoredAdvisory[],
    runs: RunRecord[],
    private readonly git: GitHistory,
    readonly to: number,
  ) {
    this.groups = groupAdvisories(advisories);
    for (const r of model.remediations.values()) {
      for (const id of r.advisories ?? []) {
        const list = this.naming.get(id) ?? [];
        list.push(r);
        this.naming.set(id, list);
      }
    }
    this.foldRuns(runs);
  }

  private foldRuns(runs: RunRecord[]): void {
    for (const run of runs) {
      // A rehearsal touches copies of the standard configurations, never the hosts themselves.
      if (run.kind === 'rehearse') continue;
      // Runs after the period still say which hosts a remediation concerned; what they did counts only later.
      const after = instant(run.startedAt) > this.to;
      for (const h of run.hosts) {
        const byRem = this.verifications.get(h.host) ?? new Map<string, Map<string, Array<{ run: string; at: number }>>>();
        this.verifications.set(h.host, byRem);
        if (run.kind === 'rollback') {
          if (after) continue;
          if (run.rollbackOf && h.status === 'changed') for (const keys of byRem.values()) for (const list of keys.values()) list.splice(0, list.length, ...list.filter((v) => v.run !== run.rollbackOf));
          continue;
        }
        for (const a of h.actions) {
          if (a.origin.kind !== 'remediation') continue;
          const keys = byRem.get(a.origin.id) ?? new Map<string, Array<{ run: string; at: number }>>();
          byRem.set(a.origin.id, keys);
          const list = keys.get(a.finding) ?? [];
          keys.set(a.finding, list);
          if (a.result !== 'verified') continue;
          list.push({ run: run.id, at: instant(a.verifiedAt ?? h.endedAt ?? run.endedAt ?? run.startedAt) });
        }
      }
    }
  }

  /**
   * Finding keys of a remediation the ledger recorded on a host, each with its first standing verification up to the
   * end of the period (null: none by then) and whether a verification came after the period.
   */
  ledgerKeys(host: string, remediation: string): Map<string, { verified: number | null; later: boolean }> {
    const out = new Map<string, { verified: number | null; later: boolean }>();
    for (const [key, list] of this.verifications.get(host)?.get(remediation) ?? []) {
      const by = list.filter((v) => v.at <= this.to).map((v) => v.at);
      out.set(key, { verified: by.length ? Math.min(...by) : null, later: list.some((v) => v.at > this.to) });
    }
    return out;
  }

  /** Remediations the ledger recorded an action of on this host. */
  ledgerRemediations(host: string): string[] {
    return [...(this.verifications.get(host)?.keys() ?? [])];
  }

  /** When the remediation was written down: the first commit that added its file, else its `created` field. */
  written(r: RemediationEntry): Moment | undefined {
    if (this.writtenCache.has(r.id)) return this.writtenCache.get(r.id);
    const m = this.writtenUncached(r);
    this.writtenCache.set(r.id, m);
    return m;
  }
  private readonly writtenCache = new Map<string, Moment | undefined>();

  private writtenUncached(r: RemediationEntry): Moment | undefined {
    const f = this.git.files[r.source.file];
    if (f) return { at: instant(f.written), from: `commit ${f.writtenCommit.slice(0, 12)} added ${r.source.file}` };
    if (r.created) return { at: instant(r.created), from: `created: ${r.created} in ${r.source.file}` };
    return undefined;
  }

  /** When an approval took effect: the commit that brought its file onto the ref, else its `date` field. */
  approved(a: ApprovalEntry): Moment {
    const f = this.git.files[a.source.file];
    if (f?.merged) return { at: instant(f.merged), from: `commit ${f.mergedCommit!.slice(0, 12)} merged ${a.source.file}` };
    if (f) return { at: instant(f.written), from: `commit ${f.writtenCommit.slice(0, 12)} added ${a.source.file}` };
    return { at: instant(a.date), from: `date: ${a.date} in ${a.source.file}` };
  }

  approvalsOf(remediation: string): Array<{ approval: ApprovalEntry; at: Moment }> {
    if (!this.approvalIndex) {
      this.approvalIndex = new Map();
      for (const a of this.model.approvals.values()) {
        const list = this.approvalIndex.get(a.remediation) ?? [];
        list.push(a);
        this.approvalIndex.set(a.remediation, list);
      }
    }
    return (this.approvalIndex.get(remediation) ?? []).map((approval) => ({ approval, at: this.approved(approval) }));
  }
  private approvalIndex?: Map<string, ApprovalEntry[]>;

  /**
   * When the group knew of a vulnerability: the first import of any advisory about it, or the first commit of a
   * remediation that names it — whichever came first (SP 800-40: the group learning of it).
   */
  knewOfIds(ids: string[]): Moment | undefined {
    let best: Moment | undefined;
    for (const id of ids) {
      const g = this.groups.get(id);
      best = earlier(best, g ? this.knewOfGroup(g) : this.namedSince(id));
    }
    return best;
  }

  /** A group of advisories: its first import, or the first commit of a remediation naming any of its ids. */
  private knewOfGroup(g: AdvisoryGroup): Moment | undefined {
    if (this.groupCache.has(g)) return this.groupCache.get(g);
    let best: Moment | undefined = g.imported !== undefined ? { at: g.imported, from: `advisory ${g.importedId} imported` } : undefined;
    for (const id of g.ids) best = earlier(best, this.namedSince(id));
    this.groupCache.set(g, best);
    return best;
  }
  private readonly groupCache = new Map<AdvisoryGroup, Moment | undefined>();

  /** The first commit of a remediation that names this id. */
  private namedSince(id: string): Moment | undefined {
    if (this.namedCache.has(id)) return this.namedCache.get(id);
    let best: Moment | undefined;
    for (const r of this.naming.get(id) ?? []) best = earlier(best, this.written(r));
    this.namedCache.set(id, best);
    return best;
  }
  private readonly namedCache = new Map<string, Moment | undefined>();

  /** When the group knew of what a remediation answers: its advisories, or the remediation itself. */
  knewOfRemediation(r: RemediationEntry): Moment | undefined {
    return earlier(this.written(r), (r.advisories ?? []).length ? this.knewOfIds(r.advisories!) : undefined);
  }

  publishedOf(ids: string[]): number | undefined {
    const times = ids.map((i) => this.groups.get(i)?.published).filter((t): t is number => t !== undefined);
    return times.length ? Math.min(...times) : undefined;
  }
}
