import { CVE_ID, severityRank, type Vulnerability } from '../advisories/index.js';
import { activeExceptions } from '../diff/index.js';
import type { ExceptionEntry, HostEntry, Model, RemediationEntry } from '../model/types.js';
import type { ExcludedItem, HostObservation, Severity } from './types.js';

/** One vulnerability open on a host: a CVE id where there is one, else the advisory's (or remediation's) id. */
export interface HostVulnerability {
  id: string;
  severity: Severity;
  /** Advisory ids and `remediation:ID`s that name it on this host. */
  from: string[];
}

/** One patch not yet applied: a patch remediation with open findings, or a fix an advisory knows that none covers. */
export interface HostPatch {
  key: string;
  severity: Severity;
  remediation?: string;
  packages: string[];
}

export interface HostAssessment {
  vulnerabilities: HostVulnerability[];
  patches: HostPatch[];
  excluded: ExcludedItem[];
}

const worse = (a: Severity, b: Severity): Severity => (severityRank(b) > severityRank(a) ? b : a);

/** The vulnerability ids of a match: its CVEs, or its own id when it names none (a DSA without CVEs, a GHSA …). */
export function matchIds(v: Pick<Vulnerability, 'advisoryId' | 'aliases'>): string[] {
  const all = [...new Set([v.advisoryId, ...v.aliases])];
  const cves = all.filter((i) => CVE_ID.test(i));
  return cves.length ? cves : [v.advisoryId];
}

/** The vulnerability ids a remediation answers: the CVEs it lists, else whatever it lists, else its own id. */
export function remediationIds(r: Pick<RemediationEntry, 'id' | 'advisories'>): string[] {
  const listed = r.advisories ?? [];
  const cves = listed.filter((i) => CVE_ID.test(i));
  return cves.length ? cves : listed.length ? [...listed] : [r.id];
}

/**
 * What one host has open, and what is left out of the figures and why. Vulnerabilities come from two places:
 * advisory matches (status affected) and open findings of remediations (the organization's own database). An
 * approved exception leaves out what it covers — a finding key, a `vulnerability:ID`, or everything a remediation
 * answers on the host — and so do vendor VEX statements (not-affected) and matches still under investigation;
 * each is listed, never silently dropped. Pure.
 */
export function assessHost(model: Model, host: HostEntry, obs: HostObservation | undefined, now: Date): HostAssessment {
  const excluded: ExcludedItem[] = [];
  if (!obs?.facts) return { vulnerabilities: [], patches: [], excluded };
  const exceptions = activeExceptions(model, host, now);
  const rem = (id: string) => model.remediations.get(id);
  const byKey = (ex: ExceptionEntry, ids: string[]): boolean => ids.some((i) => ex.finding === `vulnerability:${i}`);
  const byRemediation = (ex: ExceptionEntry, ids: string[]): boolean => {
    const r = ex.remediation ? rem(ex.remediation) : undefined;
    return Boolean(r && ids.some((i) => r.id === i || (r.advisories ?? []).includes(i) || remediationIds(r).includes(i)));
  };
  const exclusion = (ex: ExceptionEntry, subject: string, remediation?: string): ExcludedItem => ({
    host: host.name,
    kind: ex.kind,
    subject,
    ...(remediation ? { remediation } : {}),
    by: ex.id,
    expires: ex.expires,
    reason: ex.reason,
  });

  const vulns = new Map<string, HostVulnerability>();
  const note = (id: string, severity: Severity, from: string) => {
    const v = vulns.get(id);
    if (!v) vulns.set(id, { id, severity, from: [from] });
    else {
      v.severity = worse(v.severity, severity);
      if (!v.from.includes(from)) v.from.push(from);
    }
  };

  // Remediations with open findings on the host: their vulnerabilities, and (kind patch) one unapplied patch each.
  const patches = new Map<string, HostPatch>();
  const coveredByPatch = new Set<string>();
  for (const f of obs.diff?.findings ?? []) {
    if (f.origin.kind !== 'remediation') continue;
    const r = rem(f.origin.id);
    const ids = r ? remediationIds(r) : [f.origin.id];
    for (const id of ids) note(id, f.origin.severity, `remediation:${f.origin.id}`);
    if (r?.kind !== 'patch') continue;
    for (const id of [...ids, ...(r.advisories ?? [])]) coveredByPatch.add(id);
    const key = `remediation:${r.id}`;
    const p = patches.get(key) ?? { key, severity: f.origin.severity, remediation: r.id, packages: [] };
    if (!p.packages.includes(f.subject)) p.packages.push(f.subject);
    patches.set(key, p);
  }
  for (const s of obs.diff?.suppressed ?? []) {
    const reason = model.exceptions.get(s.exception.id)?.reason;
    excluded.push({ host: host.name, kind: s.exception.kind, subject: s.key, ...(s.origin.kind === 'remediation' ? { remediation: s.origin.id } : {}), by: s.exception.id, expires: s.exception.expires, ...(reason ? { reason } : {}) });
  }

  for (const m of obs.vulnerabilities) {
    const ids = matchIds(m);
    const subject = ids.join(',');
    if (m.status === 'not-affected') {
      excluded.push({ host: host.name, kind: 'not-affected', subject, by: m.suppressedBy ?? m.advisoryId });
      continue;
    }
    if (m.status === 'under-investigation') {
      excluded.push({ host: host.name, kind: 'under-investigation', subject, by: m.advisoryId });
      continue;
    }
    const all = [m.advisoryId, ...m.aliases];
    const ex = exceptions.find((x) => byKey(x, all) || byRemediation(x, all));
    if (ex) {
      excluded.push(exclusion(ex, subject, ex.remediation));
      continue;
    }
    for (const id of ids) note(id, m.severity, m.advisoryId);
    if (!m.fixed || all.some((i) => coveredByPatch.has(i))) continue;
    const pkg = m.matchedOn === 'source' ? m.sourcePackage : m.package;
    const key = `package:${pkg}@${m.fixed}`;
    const p = patches.get(key);
    if (p) p.severity = worse(p.severity, m.severity);
    else patches.set(key, { key, severity: m.severity, packages: [pkg] });
  }
  return { vulnerabilities: [...vulns.values()], patches: [...patches.values()], excluded: dedupe(excluded) };
}

function dedupe(items: ExcludedItem[]): ExcludedItem[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = `${x.kind}\u0000${x.subject}\u0000${x.by ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
