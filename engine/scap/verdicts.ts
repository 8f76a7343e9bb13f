import { platformMatches } from '../diff/applicability.js';
import { compareRequirement } from '../diff/compare.js';
import { findingChecks, requirementChecks, ruleApplies } from '../diff/controls.js';
import { requirementsFor } from '../diff/requirements.js';
import type { Facts } from '../facts/types.js';
import type { ControlRule, HostEntry, Model, UnmappedControl } from '../model/types.js';

/** XCCDF 1.2 rule results plumb can give (xccdf:resultEnumType, the ones that apply). */
export type RuleResult = 'pass' | 'fail' | 'error' | 'notapplicable' | 'notchecked';

export interface RuleVerdict {
  rule: string;
  title?: string;
  severity?: string;
  cce: string[];
  nist: string[];
  result: RuleResult;
  /** Per check: pass, or the finding's message, or why it could not be judged. */
  checks: Array<{ check: string; result: 'pass' | 'fail' | 'error'; message?: string }>;
  /** For notchecked: why (the unmapped reason). */
  reason?: string;
}

/**
 * Each imported SCAP rule of a host's baseline, judged by plumb from the host's facts: pass when every check the rule
 * became holds, fail when one differs, error when one could not be judged, notapplicable when the baseline does not
 * apply to the host, notchecked for rules no check expresses. Pure; what `plumb plan --format arf` reports and what
 * the oracle test compares with oscap.
 */
export function ruleVerdicts(model: Model, host: HostEntry, facts: Facts): RuleVerdict[] {
  const baseline = model.resolvedBaselines.get(host.baseline);
  if (!baseline || (!baseline.controls.length && !baseline.unmapped.length)) return [];
  const notChecked = (u: UnmappedControl): RuleVerdict => ({ rule: u.rule, title: u.title, severity: u.severity, cce: u.cce, nist: u.nist, result: 'notchecked', checks: [], reason: u.reason });
  if (!platformMatches(baseline.platform, facts)) {
    return [
      ...baseline.controls.map((c) => ({ ...head(c), result: 'notapplicable' as const, checks: [], reason: `the baseline's platform (${baseline.platform?.os} ${baseline.platform?.versions ?? ''}) does not match the host` })),
      ...baseline.unmapped.map(notChecked),
    ];
  }
  // Check → outcome, from the baseline's own requirements (remediations are not part of imported content).
  const outcome = new Map<string, { result: 'pass' | 'fail' | 'error'; message?: string }>();
  const note = (k: string, o: { result: 'pass' | 'fail' | 'error'; message?: string }) => {
    const prev = outcome.get(k);
    if (!prev || rank(o.result) > rank(prev.result)) outcome.set(k, o);
    else if (prev.result === o.result && o.message && prev.message !== o.message) prev.message = [prev.message, o.message].filter(Boolean).join('; ');
  };
  for (const req of requirementsFor({ ...model, remediations: new Map() }, host, facts)) {
    if (req.origin.kind !== 'baseline') continue;
    const keys = requirementChecks(req);
    if (!keys.length) continue;
    const v = compareRequirement(req, facts);
    if ('unknown' in v) {
      for (const k of keys) note(k, { result: 'error', message: v.unknown });
      continue;
    }
    const found = 'findings' in v ? v.findings : 'finding' in v ? [v.finding] : [];
    const failed = new Map<string, string>();
    for (const f of found) for (const k of findingChecks({ ...f, requirement: req })) failed.set(k, [failed.get(k), f.message].filter(Boolean).join('; '));
    for (const k of keys) note(k, failed.has(k) ? { result: 'fail', message: failed.get(k) } : { result: 'pass' });
  }
  const out: RuleVerdict[] = [];
  for (const c of baseline.controls) {
    if (!ruleApplies(c, facts)) {
      out.push({ ...head(c), result: 'notapplicable', checks: [], reason: `it applies only where ${c.appliesIf!.map((p) => p.slice('package:'.length)).join(', ')} is installed` });
      continue;
    }
    const checks = c.checks.map((check) => ({ check, ...(outcome.get(check) ?? { result: 'error' as const, message: 'no requirement of the baseline makes this check' }) }));
    const result: RuleResult = checks.some((k) => k.result === 'fail') ? 'fail' : checks.some((k) => k.result === 'error') ? 'error' : 'pass';
    out.push({ ...head(c), result, checks });
  }
  return [...out, ...baseline.unmapped.map(notChecked)];
}

function head(c: ControlRule): Pick<RuleVerdict, 'rule' | 'title' | 'severity' | 'cce' | 'nist'> {
  return { rule: c.id, title: c.title, severity: c.severity, cce: c.cce, nist: c.nist };
}

const rank = (r: 'pass' | 'fail' | 'error') => (r === 'fail' ? 2 : r === 'error' ? 1 : 0);
