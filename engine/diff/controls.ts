import { isInstalled } from '../facts/package-state.js';
import type { Facts } from '../facts/types.js';
import type { ControlRule, ResolvedBaseline } from '../model/types.js';
import type { Finding, Requirement } from './types.js';

/**
 * The checks of imported SCAP rules (baseline `scap.rules[].checks`) a requirement makes and a finding fails:
 * `package:NAME`, `setting:FILE:KEY`, `sysctl:KEY`, `file:PATH:owner|group|mode|content`, `service:UNIT`,
 * `kernel-module:NAME`. Pure; engine/scap turns them into rule verdicts, the diff into a finding's rule and CCE.
 */
export function requirementChecks(r: Requirement): string[] {
  switch (r.type) {
    case 'package-present':
    case 'package-absent':
    case 'package-fixed':
    case 'package-state':
      return [`package:${r.name}`];
    case 'file':
      return [
        (r.mode || r.maxMode) && `file:${r.path}:mode`,
        r.owner && `file:${r.path}:owner`,
        r.group && `file:${r.path}:group`,
        r.content !== undefined && `file:${r.path}:content`,
      ].filter((k): k is string => Boolean(k));
    case 'setting':
      return [`setting:${r.file}:${r.key}`];
    case 'service':
      return [`service:${r.unit}`];
    case 'sysctl':
      return [`sysctl:${r.key}`];
    case 'kernel-module':
      return [`kernel-module:${r.name}`];
    case 'reboot':
      return [];
  }
}

/** The checks one finding fails: a wrong owner fails the owner check, not the group one; a missing file fails them all. */
export function findingChecks(f: Pick<Finding, 'kind' | 'subject' | 'expected' | 'actual' | 'requirement'>): string[] {
  const all = requirementChecks(f.requirement);
  switch (f.kind) {
    case 'file-mode':
      return all.filter((k) => k.endsWith(':mode'));
    case 'file-content':
      return all.filter((k) => k.endsWith(':content'));
    case 'file-owner': {
      const [wo, wg] = (f.expected ?? ':').split(':');
      const [ho, hg] = (f.actual ?? ':').split(':');
      return all.filter((k) => (k.endsWith(':owner') && wo !== ho) || (k.endsWith(':group') && wg !== hg));
    }
    default:
      return all;
  }
}

export interface ControlRef {
  rule: string;
  cce: string[];
  nist: string[];
}

/**
 * The imported rules a finding of a baseline fails, when that baseline (or a parent) holds SCAP provenance for the
 * check and the requirement comes from the file the rule was imported into (a child that overrides the item owns it).
 */
export function controlsOf(baseline: ResolvedBaseline | undefined, f: Pick<Finding, 'kind' | 'subject' | 'expected' | 'actual' | 'requirement' | 'source' | 'origin'>): ControlRef[] {
  if (!baseline?.controls.length || f.origin.kind !== 'baseline') return [];
  const checks = new Set(findingChecks(f));
  return baseline.controls
    .filter((c) => c.source.file === f.source.file && c.checks.some((k) => checks.has(k)))
    .map((c) => ({ rule: c.id, cce: c.cce, nist: c.nist }));
}

/** Whether an imported rule applies to a host: every `package:NAME` of its XCCDF platforms installed (unknown packages: it applies). */
export function ruleApplies(c: Pick<ControlRule, 'appliesIf'>, facts: Facts): boolean {
  if (!c.appliesIf?.length || !facts.packages) return true;
  return c.appliesIf.every((cond) => isInstalled(facts.packages![cond.slice('package:'.length)]));
}

/**
 * Checks that only imported rules not applying to this host make (their platform's package is not installed): the
 * baseline does not enforce them there, as the content does not evaluate them.
 */
export function inapplicableChecks(baseline: ResolvedBaseline, facts: Facts): Set<string> {
  const out = new Set<string>();
  if (!baseline.controls.some((c) => c.appliesIf?.length)) return out;
  const applicable = new Set<string>();
  for (const c of baseline.controls) for (const k of c.checks) (ruleApplies(c, facts) ? applicable : out).add(k);
  for (const k of applicable) out.delete(k);
  return out;
}
