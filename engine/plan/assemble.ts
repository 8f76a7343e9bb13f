import { createHash } from 'node:crypto';
import { diffHost } from '../diff/index.js';
import { PlumbError } from '../errors/index.js';
import { clampMode } from '../diff/compare.js';
import { sha256 } from '../diff/requirements.js';
import { label } from '../secrets/rules.js';
import type { Finding } from '../diff/types.js';
import type { Facts } from '../facts/types.js';
import { formatProvenance } from '../model/problem.js';
import type { HostEntry, Model } from '../model/types.js';
import { ACTION_ORDER, isConfigurationAction, type ActionBody, type PlannedAction, type UnnumberedAction } from './action.js';
import { approvalFor } from './approvals.js';
import { PLAN_FORMAT, type Plan, type PlanHost, type PlanSummary } from './types.js';

/** What the planner knows of one host: its facts and their digest, or why it could not be examined. */
export interface HostInput {
  host: string;
  facts?: Facts;
  digest?: string;
  error?: { code: string; message: string };
}

export interface AssembleOptions {
  now?: Date;
  /** LoadResult.digest of the desired state. */
  stateDigest?: string;
  /** The ledger's verifications (engine/ledger verifiedIndex): a finding fixed before and back again is a regression. */
  verified?: Map<string, Map<string, { run: string; verifiedAt: string; origin: Finding['origin'] }>>;
  scope?: Plan['scope'];
  /** The host being rebuilt (`plumb rebuild`): its quarantine does not stop its baseline from being applied. */
  rebuilding?: string;
}

/** Model + facts → plan. Pure: no I/O, same input same plan (but for createdAt). */
export function assemblePlan(model: Model, inputs: HostInput[], opts: AssembleOptions = {}): Plan {
  const now = opts.now ?? new Date();
  const ringIndex = new Map(model.rings.map((r, i) => [r.name, i]));
  const hosts: PlanHost[] = [];
  for (const input of inputs) {
    const host = model.hosts.get(input.host);
    if (!host) continue;
    const base: PlanHost = {
      host: host.name,
      address: host.address,
      system: host.system,
      ring: host.ring,
      ringIndex: ringIndex.get(host.ring) ?? model.rings.length,
      factsDigest: input.digest ?? null,
      gatheredAt: input.facts?.gatheredAt ?? null,
      actions: [],
      awaiting: [],
      suppressed: [],
      unresolvable: [],
      unknown: [],
    };
    if (!input.facts) {
      hosts.push({ ...base, error: input.error ?? { code: 'E_NO_FACTS', message: 'no facts for this host' } });
      continue;
    }
    try {
      const planned = planHost(model, host, input.facts, base, now, opts.verified?.get(host.name));
      hosts.push(host.compromised && opts.rebuilding !== host.name ? quarantine(planned, host.compromised) : planned);
    } catch (e) {
      // What one host sent must not stop the plan for the fleet: a fact the diff cannot use fails that host alone.
      if (!(e instanceof PlumbError)) throw e;
      hosts.push({ ...base, error: { code: e.code === 'E_INVALID_VERSION' ? 'E_FACTS_INVALID' : e.code, message: `${host.name}: ${e.message}` } });
    }
  }
  hosts.sort((a, b) => a.ringIndex - b.ringIndex || a.host.localeCompare(b.host));
  return {
    format: PLAN_FORMAT,
    createdAt: now.toISOString(),
    commit: model.commit,
    stateDigest: opts.stateDigest ?? '',
    factsDigest: combinedDigest(hosts),
    scope: opts.scope ?? {},
    rings: model.rings.map((r) => r.name),
    hosts,
    summary: summarize(hosts),
  };
}

function planHost(model: Model, host: HostEntry, facts: Facts, base: PlanHost, now: Date, verified?: Map<string, { run: string; verifiedAt: string; origin: Finding['origin'] }>): PlanHost {
  const diff = diffHost(model, host, facts, now);
  const out: PlanHost = {
    ...base,
    suppressed: diff.suppressed.map((f) => ({ finding: f.key, message: f.message, exception: f.exception.id, kind: f.exception.kind, expires: f.exception.expires, source: formatProvenance(f.exception.source) })),
    unknown: diff.unknown.map((u) => ({ subject: u.subject, reason: u.reason, source: formatProvenance(u.source) })),
  };
  const actions: UnnumberedAction[] = [];
  for (const f of diff.findings) {
    const before = verified?.get(f.key);
    const regression = before && sameOrigin(before.origin, f.origin) ? { run: before.run, verifiedAt: before.verifiedAt } : undefined;
    if (f.unresolvable) {
      out.unresolvable.push({ finding: f.key, message: f.message, why: f.unresolvable, source: formatProvenance(f.source), ...(f.controls ? { controls: f.controls } : {}) });
      continue;
    }
    let approval: PlannedAction['approval'];
    if (f.origin.kind === 'remediation') {
      const v = approvalFor(model, f.origin.id, host, now);
      if ('awaiting' in v) {
        out.awaiting.push({ remediation: f.origin.id, finding: f.key, message: f.message, reason: v.awaiting, source: formatProvenance(f.source), regression });
        continue;
      }
      approval = v.approved;
    }
    const body = actionFor(f);
    if (!body) continue;
    // An administrator's `apt-mark hold` is a decision plumb does not override: it would make apt refuse the
    // whole transaction anyway. The finding is shown as unresolvable, with how to proceed.
    if ((body.type === 'package-install' || body.type === 'package-remove' || body.type === 'package-repair') && facts.held?.includes(body.name)) {
      out.unresolvable.push({ finding: f.key, message: f.message, why: `${body.name} is held on the host (apt-mark hold); release the hold or record an exception`, source: formatProvenance(f.source) });
      continue;
    }
    actions.push({ ...body, finding: f.key, findingKind: f.kind, ...(f.controls ? { controls: f.controls } : {}), reason: f.message, before: f.actual, after: f.expected, origin: f.origin, source: formatProvenance(f.source), provenance: f.source, approval, regression });
  }
  // The action objects are fresh: numbering them in place spares a copy of every action.
  out.actions = order(dedupe(actions)) as PlannedAction[];
  out.actions.forEach((a, i) => (a.id = `${host.name}#${i + 1}`));
  // A difference the baseline already fixes is not waiting for anyone: drop the remediation's duplicate of it.
  const planned = new Set(out.actions.map((a) => a.finding));
  out.awaiting = out.awaiting.filter((w) => !planned.has(w.finding));
  return out;
}

/**
 * A compromised host gets no action (SP 800-40 4.4: patching does not remove a backdoor); every change it would have
 * had is listed as unresolvable, so the plan still shows how far it is from its desired state. Only its rebuild
 * (plumb rebuild, `rebuilding`) plans for it.
 */
function quarantine(h: PlanHost, c: NonNullable<HostEntry['compromised']>): PlanHost {
  const why = `quarantined: marked compromised since ${c.since}${c.ticket ? ` (${c.ticket})` : ''}; only a rebuild changes it (plumb rebuild ${h.host})`;
  const blocked = [...h.actions.map((a) => ({ finding: a.finding, message: a.reason, source: a.source })), ...h.awaiting.map((w) => ({ finding: w.finding, message: w.message, source: w.source }))];
  return {
    ...h,
    actions: [],
    awaiting: [],
    unresolvable: [...blocked.map((b) => ({ ...b, why })), ...h.unresolvable],
    quarantined: { since: c.since, reason: c.reason, ...(c.ticket ? { ticket: c.ticket } : {}) },
  };
}

function sameOrigin(a: Finding['origin'], b: Finding['origin']): boolean {
  return a.kind === b.kind && (a.kind === 'baseline' || (b.kind === 'remediation' && a.id === b.id));
}

/** The one action that resolves a finding. */
export function actionFor(f: Finding): ActionBody | null {
  const r = f.requirement;
  switch (f.kind) {
    case 'package-missing':
    case 'package-version':
      if (r.type !== 'package-present') return null;
      return { type: 'package-install', name: r.name, version: r.version, minVersion: r.version ? undefined : r.minVersion, upgrade: f.kind === 'package-version' };
    case 'package-vulnerable':
      if (r.type !== 'package-fixed') return null;
      return { type: 'package-install', name: r.name, version: r.version, upgrade: true };
    case 'package-forbidden':
      return r.type === 'package-absent' ? { type: 'package-remove', name: r.name } : null;
    case 'package-broken':
      return r.type === 'package-state' ? { type: 'package-repair', name: r.name, state: f.actual ?? 'broken' } : null;
    case 'file-missing':
    case 'file-content':
      if (r.type !== 'file' || r.content === undefined) return null;
      // A secret's content stays out of the plan: apply takes it from the desired state (apply/secret-values.ts).
      if (r.sensitive) return { type: 'file-write', path: r.path, sha256: sha256(r.content), mode: r.mode, owner: r.owner, group: r.group, sensitive: true };
      return { type: 'file-write', path: r.path, content: r.content, sha256: sha256(r.content), mode: r.mode, owner: r.owner, group: r.group };
    case 'file-mode':
    case 'file-owner': {
      if (r.type !== 'file') return null;
      // "At most" a mode: clear only the bits beyond it, keeping what is stricter already.
      const mode = r.mode ?? (r.maxMode && f.kind === 'file-mode' && f.actual ? clampMode(f.actual, r.maxMode) : undefined);
      return { type: 'file-attributes', path: r.path, mode, owner: r.owner, group: r.group };
    }
    case 'setting':
      if (r.type !== 'setting') return null;
      return r.sensitive ? { type: 'setting-set', file: r.file, syntax: r.syntax, key: r.key, value: label(r.value), sensitive: true } : { type: 'setting-set', file: r.file, syntax: r.syntax, key: r.key, value: r.value };
    case 'service':
      return r.type === 'service' ? { type: `service-${r.state === 'enabled' ? 'enable' : r.state === 'disabled' ? 'disable' : 'mask'}`, unit: r.unit } : null;
    case 'sysctl':
    case 'sysctl-boot':
      // Set now and persisted in plumb's own file; lines of /etc files that set another value are rewritten too.
      return r.type === 'sysctl' ? { type: 'sysctl-set', key: r.key, value: r.value, ...(f.paths?.length ? { files: f.paths } : {}), ...(f.kind === 'sysctl-boot' ? { persistOnly: true } : {}) } : null;
    case 'kernel-module':
      return r.type === 'kernel-module' ? { type: 'kernel-module-disable', name: r.name } : null;
    case 'reboot-required':
      return { type: 'reboot-notify' };
    case 'file-type':
    case 'file-parent':
      return null;
  }
}

/** A file written whole needs no separate mode/owner action; two requests to install one package become the stricter one. */
function dedupe(actions: UnnumberedAction[]): UnnumberedAction[] {
  // A write sets the mode it names; a mode found too permissive under `max_mode` still needs its own chmod.
  const written = new Map(actions.flatMap((a) => (a.type === 'file-write' ? [[a.path, a.mode] as const] : [])));
  const out: UnnumberedAction[] = [];
  const seen = new Map<string, number>();
  for (const a of actions) {
    if (a.type === 'file-attributes' && written.has(a.path) && (written.get(a.path) || !a.mode)) continue;
    const key =
      a.type === 'file-attributes' ? `${a.type}:${a.path}`
      : a.type === 'package-install' || a.type === 'package-remove' ? `pkg:${a.name}`
      : a.type === 'package-repair' ? `repair:${a.name}`
      : a.type === 'sysctl-set' ? `sysctl:${a.key}`
      : null;
    if (key && seen.has(key)) {
      const i = seen.get(key)!;
      const prev = out[i]!;
      // Attribute findings on one path (mode and owner) are one action carrying both.
      // The running value and the boot configuration of one key are one action, rewriting every file either names.
      if (prev.type === 'sysctl-set' && a.type === 'sysctl-set') {
        const files = [...new Set([...(prev.files ?? []), ...(a.files ?? [])])];
        const { persistOnly: _p, ...both } = prev;
        out[i] = { ...(prev.persistOnly && a.persistOnly ? prev : both), ...(files.length ? { files } : {}), also: [...(prev.also ?? []), alsoOf(a)] };
        continue;
      }
      if (prev.type === 'file-attributes' && a.type === 'file-attributes') {
        // Every attribute that differs stays visible: the one action lists the other findings it resolves.
        out[i] = { ...prev, mode: prev.mode ?? a.mode, also: [...(prev.also ?? []), alsoOf(a)] };
        continue;
      }
      // An explicit fixed version beats "any version"; a remediation beats the baseline.
      if (a.type === 'package-install' && prev.type === 'package-install' && (!prev.version || a.origin.kind === 'remediation')) out[i] = a;
      continue;
    }
    if (key) seen.set(key, out.length);
    out.push(a);
  }
  return out;
}

function alsoOf(a: UnnumberedAction): NonNullable<UnnumberedAction['also']>[number] {
  return { finding: a.finding, findingKind: a.findingKind, before: a.before, after: a.after };
}

const RANK = new Map<string, number>(ACTION_ORDER.map((t, i) => [t, i]));

/** ACTION_ORDER, keeping the findings' order within a type (Array.prototype.sort is stable). */
function order<T extends { type: string }>(actions: T[]): T[] {
  return actions.sort((x, y) => RANK.get(x.type)! - RANK.get(y.type)!);
}

function combinedDigest(hosts: PlanHost[]): string {
  const h = createHash('sha256');
  for (const p of [...hosts].sort((a, b) => a.host.localeCompare(b.host))) h.update(`${p.host}\u0000${p.factsDigest ?? 'none'}\n`);
  return h.digest('hex');
}

export function summarize(hosts: PlanHost[]): PlanSummary {
  const all = hosts.flatMap((h) => h.actions);
  return {
    hosts: hosts.length,
    hostsChanging: hosts.filter((h) => h.actions.some((a) => a.type !== 'reboot-notify')).length,
    actions: all.length,
    upgrades: all.filter((a) => a.type === 'package-install' && a.upgrade).length,
    installs: all.filter((a) => a.type === 'package-install' && !a.upgrade).length,
    removals: all.filter((a) => a.type === 'package-remove').length,
    repairs: all.filter((a) => a.type === 'package-repair').length,
    configuration: all.filter((a) => isConfigurationAction(a)).length,
    reboots: all.filter((a) => a.type === 'reboot-notify').length,
    awaitingApproval: hosts.reduce((n, h) => n + h.awaiting.length, 0),
    suppressed: hosts.reduce((n, h) => n + h.suppressed.length, 0),
    unresolvable: hosts.reduce((n, h) => n + h.unresolvable.length, 0),
    unreachable: hosts.filter((h) => h.error).length,
    regressions: hosts.reduce((n, h) => n + h.actions.filter((a) => a.regression).length + h.awaiting.filter((w) => w.regression).length, 0),
  };
}

/** Whether applying the plan would change anything (exit code 2 for `plumb plan`). */
export function hasChanges(plan: Plan): boolean {
  return plan.hosts.some((h) => h.actions.some((a) => a.type !== 'reboot-notify'));
}
