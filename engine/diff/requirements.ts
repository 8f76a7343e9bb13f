import { createHash } from 'node:crypto';
import { isBroken } from '../facts/package-state.js';
import type { Facts } from '../facts/types.js';
import { locateIn } from '../model/load.js';
import { pointerJoin, type Provenance } from '../model/problem.js';
import { unitName, type HostEntry, type ManagedFile, type Model, type RemediationEntry } from '../model/types.js';
import { platformMatches, remediationApplies, sourceIndex, sourcesNamed } from './applicability.js';
import { inapplicableChecks, requirementChecks } from './controls.js';
import { renderTemplate } from './render.js';
import { sensitivityFor, type Sensitivity } from '../secrets/scope.js';
import type { Origin, Requirement } from './types.js';

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Everything the desired state wants of one host: its baseline, then every remediation that applies to it. */
export function requirementsFor(model: Model, host: HostEntry, facts: Facts): Requirement[] {
  const out: Requirement[] = [];
  const baseline = model.resolvedBaselines.get(host.baseline);
  const sens = sensitivityFor(model, host);
  if (baseline && platformMatches(baseline.platform, facts)) {
    const origin: Origin = { kind: 'baseline', name: baseline.name };
    for (const p of baseline.packages.required) out.push({ type: 'package-present', name: p.name, minVersion: p.min_version, version: p.version, origin, source: p.source });
    for (const p of baseline.packages.forbidden) out.push({ type: 'package-absent', name: p.name, reason: p.reason, origin, source: p.source });
    for (const f of baseline.files) out.push(fileRequirement(f, host, model, baseline.variables, origin, f.source, sens));
    for (const s of baseline.settings) out.push({ type: 'setting', file: s.file, syntax: s.syntax, key: s.key, value: s.value, origin, source: s.source, ...(sens.key(s.file, s.key) ? { sensitive: true } : {}) });
    for (const s of baseline.services) out.push({ type: 'service', unit: s.name, state: s.state, origin, source: s.source });
    for (const s of baseline.sysctl) out.push({ type: 'sysctl', key: s.key, value: s.value, origin, source: s.source });
    for (const m of baseline.kernelModules) out.push({ type: 'kernel-module', name: m.name, state: m.state, origin, source: m.source });
    // Items of imported SCAP rules whose platform is absent here (SSG: "applies where auditd is installed") are not enforced.
    const skip = inapplicableChecks(baseline, facts);
    if (skip.size) {
      const kept = out.filter((r) => {
        const keys = requirementChecks(r);
        return !keys.length || !keys.every((k) => skip.has(k));
      });
      out.length = 0;
      out.push(...kept);
    }
    out.push({ type: 'reboot', origin, source: baseline.source });
    out.push(...packageStateRequirements(model, facts, origin, baseline.source));
  }
  for (const r of candidateRemediations(model, facts)) {
    if (remediationApplies(r, host, facts, model).applies) out.push(...remediationRequirements(r, host, model, sens));
  }
  return out;
}

/**
 * Every package dpkg left in a broken state needs repair. The policy's `package_repair` decides whether plumb repairs
 * it (`repair`, the default: `dpkg --configure -a`, then the transaction again) or only reports it (`report`); the
 * requirement points at that policy line when there is one, else at the host's baseline.
 */
function packageStateRequirements(model: Model, facts: Facts, origin: Origin, fallback: Provenance): Requirement[] {
  if (!facts.packages) return [];
  const broken = Object.values(facts.packages).filter(isBroken);
  if (!broken.length) return [];
  const policy = model.policy;
  const source = policy?.package_repair ? locateIn(model, policy.source.file, '/policy/package_repair') : fallback;
  const unresolvable = policy?.package_repair === 'report' ? 'the policy says package_repair: report — repair it by hand (dpkg --configure -a), or set package_repair: repair' : undefined;
  return broken.map((p) => ({ type: 'package-state' as const, name: p.name, unresolvable, origin, source }));
}

interface RemediationIndex {
  bySource: Map<string, RemediationEntry[]>;
  byName: Map<string, RemediationEntry[]>;
  unconditional: RemediationEntry[];
}
const remediationIndexes = new WeakMap<Model, RemediationIndex>();

/**
 * Remediations that can possibly concern a host: those selecting a package the host has (by source or binary
 * name), plus those without a package condition — in the model's order. A fleet of thousands of hosts against
 * thousands of remediations would otherwise test every pair.
 */
function candidateRemediations(model: Model, facts: Facts): RemediationEntry[] {
  let idx = remediationIndexes.get(model);
  if (!idx) {
    idx = { bySource: new Map(), byName: new Map(), unconditional: [] };
    for (const r of model.remediations.values()) {
      const p = r.selector.package;
      if (!p) idx.unconditional.push(r);
      else {
        const m = p.source ? idx.bySource : idx.byName;
        m.set(p.name, [...(m.get(p.name) ?? []), r]);
      }
    }
    remediationIndexes.set(model, idx);
  }
  if (!facts.packages || (!idx.bySource.size && !idx.byName.size)) return idx.unconditional.length === model.remediations.size ? idx.unconditional : [...model.remediations.values()];
  const picked = new Set<RemediationEntry>(idx.unconditional);
  for (const [name, rs] of idx.byName) if (facts.packages[name]) for (const r of rs) picked.add(r);
  // The host's installed packages by the sources remediations name: the same index remediationApplies then reads.
  if (idx.bySource.size) for (const source of sourceIndex(facts, sourcesNamed(model)).keys()) for (const r of idx.bySource.get(source) ?? []) picked.add(r);
  const order = [...model.remediations.values()];
  return picked.size === order.length ? order : order.filter((r) => picked.has(r));
}

function fileRequirement(f: ManagedFile, host: HostEntry, model: Model, vars: Record<string, unknown>, origin: Origin, source: Provenance, sens: Sensitivity): Requirement {
  const content = f.template !== undefined ? renderTemplate(f.template, host, model.systems.get(host.system), vars) : f.content;
  return { type: 'file', path: f.path, content, mode: f.mode, maxMode: f.max_mode, owner: f.owner, group: f.group, origin, source, ...(sens.file(f.path) ? { sensitive: true } : {}), ...(f.symlink !== undefined ? { symlink: f.symlink } : {}) };
}

const cachedRequirements = new WeakMap<Model, Map<string, Requirement[]>>();

/**
 * A remediation's requirements are the same on every host unless it writes templated files: computed once then (per
 * baseline, since a baseline may say that a path or key is not a secret).
 */
function remediationRequirements(r: RemediationEntry, host: HostEntry, model: Model, sens: Sensitivity): Requirement[] {
  const hostIndependent = !r.action?.files?.some((f) => f.template !== undefined);
  if (!hostIndependent) return buildRemediationRequirements(r, host, model, sens);
  let perModel = cachedRequirements.get(model);
  if (!perModel) cachedRequirements.set(model, (perModel = new Map()));
  const key = `${r.id}\u0000${host.baseline}`;
  let reqs = perModel.get(key);
  if (!reqs) perModel.set(key, (reqs = buildRemediationRequirements(r, host, model, sens)));
  return reqs;
}

function buildRemediationRequirements(r: RemediationEntry, host: HostEntry, model: Model, sens: Sensitivity): Requirement[] {
  const origin: Origin = { kind: 'remediation', id: r.id, severity: r.severity, emergency: Boolean(r.emergency) };
  const at = (pointer: string): Provenance => locateIn(model, r.source.file, pointer);
  const out: Requirement[] = [];
  // A manual remediation has no action: a person does it (engine/manual).
  const a = r.action ?? {};
  a.packages?.forEach((p, i) => out.push({ type: 'package-fixed', name: p.name, version: p.version, origin, source: at(`/action/packages/${i}`) }));
  a.remove?.forEach((name, i) => out.push({ type: 'package-absent', name, origin, source: at(`/action/remove/${i}`) }));
  const vars = model.resolvedBaselines.get(host.baseline)?.variables ?? {};
  a.files?.forEach((f, i) => out.push(fileRequirement(f, host, model, vars, origin, at(`/action/files/${i}`), sens)));
  a.settings?.forEach((s, i) => {
    for (const [key, value] of Object.entries(s.values)) {
      out.push({ type: 'setting', file: s.file, syntax: s.syntax ?? 'space', key, value: String(value), origin, source: at(pointerJoin(`/action/settings/${i}/values`, key)), ...(sens.key(s.file, key) ? { sensitive: true } : {}) });
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
