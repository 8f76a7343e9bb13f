import { createHash } from 'node:crypto';
import type { Facts } from '../facts/types.js';
import { locateIn } from '../model/load.js';
import { pointerJoin, type Provenance } from '../model/problem.js';
import { unitName, type HostEntry, type ManagedFile, type Model, type RemediationEntry } from '../model/types.js';
import { platformMatches, remediationApplies } from './applicability.js';
import { renderTemplate } from './render.js';
import type { Origin, Requirement } from './types.js';

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Everything the desired state wants of one host: its baseline, then every remediation that applies to it. */
export function requirementsFor(model: Model, host: HostEntry, facts: Facts): Requirement[] {
  const out: Requirement[] = [];
  const baseline = model.resolvedBaselines.get(host.baseline);
  if (baseline && platformMatches(baseline.platform, facts)) {
    const origin: Origin = { kind: 'baseline', name: baseline.name };
    for (const p of baseline.packages.required) out.push({ type: 'package-present', name: p.name, minVersion: p.min_version, version: p.version, origin, source: p.source });
    for (const p of baseline.packages.forbidden) out.push({ type: 'package-absent', name: p.name, reason: p.reason, origin, source: p.source });
    for (const f of baseline.files) out.push(fileRequirement(f, host, model, baseline.variables, origin, f.source));
    for (const s of baseline.settings) out.push({ type: 'setting', file: s.file, syntax: s.syntax, key: s.key, value: s.value, origin, source: s.source });
    for (const s of baseline.services) out.push({ type: 'service', unit: s.name, state: s.state, origin, source: s.source });
    for (const s of baseline.sysctl) out.push({ type: 'sysctl', key: s.key, value: s.value, origin, source: s.source });
    out.push({ type: 'reboot', origin, source: baseline.source });
  }
  for (const r of model.remediations.values()) {
    if (remediationApplies(r, host, facts).applies) out.push(...remediationRequirements(r, host, model));
  }
  return out;
}

function fileRequirement(f: ManagedFile, host: HostEntry, model: Model, vars: Record<string, unknown>, origin: Origin, source: Provenance): Requirement {
  const content = f.template !== undefined ? renderTemplate(f.template, host, model.systems.get(host.system), vars) : f.content;
  return { type: 'file', path: f.path, content, mode: f.mode, owner: f.owner, group: f.group, origin, source };
}

function remediationRequirements(r: RemediationEntry, host: HostEntry, model: Model): Requirement[] {
  const origin: Origin = { kind: 'remediation', id: r.id, severity: r.severity, emergency: Boolean(r.emergency) };
  const at = (pointer: string): Provenance => locateIn(model, r.source.file, pointer);
  const out: Requirement[] = [];
  const a = r.action;
  a.packages?.forEach((p, i) => out.push({ type: 'package-fixed', name: p.name, version: p.version, origin, source: at(`/action/packages/${i}`) }));
  a.remove?.forEach((name, i) => out.push({ type: 'package-absent', name, origin, source: at(`/action/remove/${i}`) }));
  const vars = model.resolvedBaselines.get(host.baseline)?.variables ?? {};
  a.files?.forEach((f, i) => out.push(fileRequirement(f, host, model, vars, origin, at(`/action/files/${i}`))));
  a.settings?.forEach((s, i) => {
    for (const [key, value] of Object.entries(s.values)) {
      out.push({ type: 'setting', file: s.file, syntax: s.syntax ?? 'space', key, value: String(value), origin, source: at(pointerJoin(`/action/settings/${i}/values`, key)) });
    }
  });
  for (const [name, state] of Object.entries(a.services ?? {})) {
    if (state) out.push({ type: 'service', unit: unitName(name), state, origin, source: at(pointerJoin('/action/services', name)) });
  }
  for (const [key, value] of Object.entries(a.sysctl ?? {})) {
    if (value !== undefined) out.push({ type: 'sysctl', key, value: String(value), origin, source: at(pointerJoin('/action/sysctl', key)) });
  }
  return out;
}
