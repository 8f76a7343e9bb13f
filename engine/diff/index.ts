import type { Facts } from '../facts/types.js';
import { endOf } from '../model/rules/expiry.js';
import type { ExceptionEntry, HostEntry, Model } from '../model/types.js';
import { compareRequirement } from './compare.js';
import { requirementsFor } from './requirements.js';
import type { Finding, HostDiff, Requirement, SuppressedFinding } from './types.js';

export type { Finding, FindingKind, HostDiff, Origin, Requirement, SuppressedFinding } from './types.js';

/**
 * Model + facts → findings for one host. Pure. Every finding names the YAML that demands it; findings an approved,
 * unexpired exception covers are returned apart, with the exception, so they are reported rather than hidden.
 */
export function diffHost(model: Model, host: HostEntry, facts: Facts, now: Date = new Date()): HostDiff {
  const findings: Finding[] = [];
  const unknown: HostDiff['unknown'] = [];
  const seen = new Set<string>();
  for (const req of requirementsFor(model, host, facts)) {
    const v = compareRequirement(req, facts);
    if ('ok' in v) continue;
    if ('unknown' in v) {
      unknown.push({ subject: subjectOf(req), reason: v.unknown, source: req.source });
      continue;
    }
    // The same difference demanded twice (baseline and a remediation) is one finding; the remediation's is kept,
    // since its approval decides when it may be acted on.
    const key = `${v.finding.key}\u0000${req.origin.kind === 'remediation' ? req.origin.id : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ ...v.finding, host: host.name, origin: req.origin, source: req.source, requirement: req });
  }
  const exceptions = activeExceptions(model, host, now);
  const open: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const x = exceptions.find((e) => (e.finding ? e.finding === f.key : f.origin.kind === 'remediation' && f.origin.id === e.remediation));
    if (x) suppressed.push({ ...f, exception: { id: x.id, kind: x.kind, expires: x.expires, source: x.source } });
    else open.push(f);
  }
  return { host: host.name, findings: open, suppressed, unknown };
}

/** Exceptions that cover this host (directly or through its system) and have not expired. */
export function activeExceptions(model: Model, host: HostEntry, now: Date): ExceptionEntry[] {
  return [...model.exceptions.values()].filter((x) => (x.host === host.name || x.system === host.system) && endOf(x.expires) >= now.getTime());
}

function subjectOf(req: Requirement): string {
  switch (req.type) {
    case 'file':
      return req.path;
    case 'setting':
      return `${req.file}:${req.key}`;
    case 'service':
      return req.unit;
    case 'sysctl':
      return req.key;
    case 'reboot':
      return 'reboot';
    default:
      return req.name;
  }
}
