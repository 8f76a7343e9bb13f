import type { Facts } from '../facts/types.js';
import type { Model } from '../model/types.js';
import { ruleVerdicts, type RuleResult } from './verdicts.js';

export type Counts = Record<RuleResult, number>;

export interface RuleCompliance {
  rule: string;
  title?: string;
  cce: string[];
  nist: string[];
  /** Hosts by verdict. */
  hosts: Counts;
  failing: string[];
}

export interface ControlCompliance {
  /** A NIST SP 800-53 control as the content cites it, e.g. AC-6(2). */
  control: string;
  rules: string[];
  /** Hosts whose every applicable rule citing this control passes / of those judged. */
  compliantHosts: number;
  judgedHosts: number;
  /** Hosts with a failing (or not judged) rule of this control. */
  failing: string[];
  /** Rules citing it that plumb cannot check (unmapped). */
  notChecked: string[];
}

export interface Compliance {
  hosts: number;
  rules: RuleCompliance[];
  controls: ControlCompliance[];
}

const zero = (): Counts => ({ pass: 0, fail: 0, error: 0, notapplicable: 0, notchecked: 0 });

/**
 * Compliance with imported SCAP rules, grouped per rule and per NIST SP 800-53 control, over the hosts given (the
 * ones whose facts are known). A host complies with a control when every rule citing it that applies to the host
 * passes; rules plumb cannot check are listed apart, never counted as passing. Pure.
 */
export function compliance(model: Model, facts: ReadonlyMap<string, Facts>): Compliance {
  const rules = new Map<string, RuleCompliance>();
  const perControl = new Map<string, { rules: Set<string>; notChecked: Set<string>; hosts: Map<string, boolean> }>();
  for (const [name, f] of facts) {
    const host = model.hosts.get(name);
    if (!host) continue;
    const byControl = new Map<string, boolean>();
    for (const v of ruleVerdicts(model, host, f)) {
      let r = rules.get(v.rule);
      if (!r) rules.set(v.rule, (r = { rule: v.rule, title: v.title, cce: v.cce, nist: v.nist, hosts: zero(), failing: [] }));
      r.hosts[v.result]++;
      if (v.result === 'fail' || v.result === 'error') r.failing.push(name);
      for (const c of v.nist) {
        let pc = perControl.get(c);
        if (!pc) perControl.set(c, (pc = { rules: new Set(), notChecked: new Set(), hosts: new Map() }));
        pc.rules.add(v.rule);
        if (v.result === 'notchecked') pc.notChecked.add(v.rule);
        if (v.result === 'pass') byControl.set(c, byControl.get(c) ?? true);
        else if (v.result === 'fail' || v.result === 'error') byControl.set(c, false);
      }
    }
    for (const [c, ok] of byControl) perControl.get(c)!.hosts.set(name, ok);
  }
  const controls = [...perControl].map(([control, pc]): ControlCompliance => {
    const judged = [...pc.hosts];
    return {
      control,
      rules: [...pc.rules].sort(),
      compliantHosts: judged.filter(([, ok]) => ok).length,
      judgedHosts: judged.length,
      failing: judged.filter(([, ok]) => !ok).map(([h]) => h).sort(),
      notChecked: [...pc.notChecked].sort(),
    };
  });
  controls.sort((a, b) => controlOrder(a.control, b.control));
  return { hosts: facts.size, rules: [...rules.values()], controls };
}

/** AC-2 before AC-12, AC-6(1) before AC-6(10): family, number, enhancement. */
function controlOrder(a: string, b: string): number {
  const key = (s: string) => {
    const m = /^([A-Z]{2})-(\d+)(?:\((\d+)\))?(.*)$/.exec(s);
    return m ? [m[1]!, Number(m[2]), Number(m[3] ?? 0), m[4]!] : [s, 0, 0, ''];
  };
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/** Plain text and Markdown views of the grouping (`plumb metrics --by rule|control`). */
export function renderCompliance(c: Compliance, by: 'rule' | 'control', markdown = false): string {
  const lines: string[] = [];
  const row = (cells: string[]) => (markdown ? `| ${cells.join(' | ')} |` : cells.join('  '));
  if (by === 'control') {
    lines.push(markdown ? '## Compliance per NIST SP 800-53 control (imported SCAP rules)\n' : `Compliance per NIST SP 800-53 control — ${c.hosts} host(s) with facts`);
    lines.push(row(['control', 'hosts compliant', 'rules', 'failing hosts', 'not checked by plumb']));
    if (markdown) lines.push('| --- | --- | --- | --- | --- |');
    for (const x of c.controls) lines.push(row([x.control.padEnd(markdown ? 0 : 10), `${x.compliantHosts}/${x.judgedHosts}`, String(x.rules.length), x.failing.join(', ') || '-', x.notChecked.length ? String(x.notChecked.length) : '-']));
  } else {
    lines.push(markdown ? '## Compliance per rule (imported SCAP rules)\n' : `Compliance per rule — ${c.hosts} host(s) with facts`);
    lines.push(row(['rule', 'CCE', 'pass', 'fail', 'error', 'n/a', 'not checked', 'controls']));
    if (markdown) lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of c.rules) lines.push(row([r.rule.replace(/^xccdf_[^_]+(?:\.[^_]+)*_rule_/, ''), r.cce.join(' ') || '-', String(r.hosts.pass), String(r.hosts.fail), String(r.hosts.error), String(r.hosts.notapplicable), String(r.hosts.notchecked), r.nist.join(' ') || '-']));
  }
  return `${lines.join('\n')}\n`;
}
