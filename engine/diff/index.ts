import type { Facts } from '../facts/types.js';
import { endOf } from '../model/rules/expiry.js';
import type { ExceptionEntry, HostEntry, Model } from '../model/types.js';
import { compareRequirement, OK } from './compare.js';
import { controlsOf } from './controls.js';
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
  const baseline = model.resolvedBaselines.get(host.baseline);
  for (const req of requirementsFor(model, host, facts)) {
    const v = compareRequirement(req, facts);
    if (v === OK || 'ok' in v) continue;
    if ('unknown' in v) {
      unknown.push({ subject: subjectOf(req), reason: v.unknown, source: req.source });
      continue;
    }
    for (const found of 'findings' in v ? v.findings : [v.finding]) {
      // One origin asking for the same thing twice is one finding. A baseline and a remediation asking for the same
      // thing are two: each has its own approval story, and the planner merges their actions.
      const key = req.origin.kind === 'remediation' ? `${found.key}\u0000${req.origin.id}` : found.key;
      if (seen.has(key)) continue;
      seen.add(key);
      const f = found as Finding;
      f.host = host.name;
      f.origin = req.origin;
      f.source = req.source;
      f.requirement = req;
      // A finding on a check of imported SCAP content speaks the control's language: rule id, CCE, SP 800-53.
      if (baseline?.controls.length) {
        const c = controlsOf(baseline, f);
        if (c.length) f.controls = c;
      }
      findings.push(f);
    }
  }
  const exceptions = model.exceptions.size ? activeExceptions(model, host, now) : [];
  if (!exceptions.length) return { host: host.name, findings, suppressed: [], unknown };
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
