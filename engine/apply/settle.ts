import { normaliseMode } from '../diff/compare.js';
import { isBroken, isInstalled } from '../facts/package-state.js';
import type { Facts, FactsRequest } from '../facts/types.js';
import type { ActionRecord, HostOutcome, Observation, Settlement } from '../ledger/types.js';
import { schemeForOs } from '../versioning/index.js';

/** The parts of an action record a re-gather is compared with: what it changes, and the states before and intended. */
export type Intended = Pick<ActionRecord, 'id' | 'type' | 'params' | 'findingKind' | 'before' | 'after'>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const ENABLED_LIKE = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'generated']);

/**
 * What the host shows now for one action's subject, compared with the state before the action and the state it
 * intended (from the journal's host-start, i.e. the plan). Pure. `unknown` when the facts do not say.
 */
export function observe(a: Intended, facts: Facts, at: string): Observation {
  const p = a.params ?? {};
  const seen = (value: string | null, isAfter: boolean, isBefore: boolean): Observation => ({ state: isAfter ? 'after' : isBefore ? 'before' : 'other', value, at });
  const unknown = (why: string): Observation => ({ state: 'unknown', why, at });
  switch (a.type) {
    case 'package-install':
    case 'package-remove':
    case 'package-repair': {
      if (!facts.packages) return unknown('the installed packages could not be read');
      const name = str(p.name) ?? '';
      const pkg = facts.packages[name];
      const value = isInstalled(pkg) ? pkg!.version : isBroken(pkg) ? `${pkg!.version} (${pkg!.status})` : null;
      if (a.type === 'package-repair') return seen(value, isInstalled(pkg), isBroken(pkg));
      if (a.type === 'package-remove') return seen(value, !isInstalled(pkg) && !isBroken(pkg), value !== null && value === a.before);
      const scheme = facts.os ? schemeForOs(facts.os.id) : null;
      const version = str(p.version);
      const min = str(p.minVersion);
      let reached = isInstalled(pkg);
      if (reached && version) reached = scheme ? scheme.compare(pkg!.version, version) === 0 : pkg!.version === version;
      else if (reached && min) reached = scheme ? scheme.compare(pkg!.version, min) >= 0 : false;
      return seen(value, reached, value === a.before);
    }
    case 'file-write': {
      const f = facts.files[str(p.path) ?? ''];
      if (!f) return unknown(`${str(p.path)} was not examined`);
      if (f.exists && !f.sha256) return unknown(`the content of ${str(p.path)} could not be read`);
      const value = f.exists ? `sha256:${f.sha256!.slice(0, 12)}` : null;
      return seen(value, f.exists && f.sha256 === str(p.sha256), a.before === null ? !f.exists : value !== null && a.before.startsWith(value.slice(0, 19)));
    }
    case 'file-attributes': {
      const f = facts.files[str(p.path) ?? ''];
      if (!f) return unknown(`${str(p.path)} was not examined`);
      if (!f.exists) return seen(null, false, false);
      const mode = f.mode ? normaliseMode(f.mode) : undefined;
      const owner = `${f.owner}:${f.group}`;
      const wantMode = str(p.mode) ? normaliseMode(str(p.mode)!) : undefined;
      const wantOwner = str(p.owner) || str(p.group) ? `${str(p.owner) ?? f.owner}:${str(p.group) ?? f.group}` : undefined;
      const value = a.findingKind === 'file-owner' ? owner : (mode ?? null);
      const after = (!wantMode || mode === wantMode) && (!wantOwner || owner === wantOwner);
      return seen(value, after, value === a.before);
    }
    case 'setting-set': {
      const values = facts.settings[str(p.file) ?? ''];
      if (!values) return unknown(`the settings of ${str(p.file)} were not read`);
      const value = values[str(p.key) ?? ''] ?? null;
      const want = str(p.value) ?? '';
      const same = (x: string | null, y: string | null) => (x === null || y === null ? x === y : p.syntax === 'space' ? x.toLowerCase() === y.toLowerCase() : x === y);
      return seen(value, same(value, want), same(value, a.before));
    }
    case 'sysctl-set': {
      const key = str(p.key) ?? '';
      if (a.findingKind === 'sysctl-boot') {
        const lines = facts.sysctlBoot?.[key];
        if (!lines) return unknown(`the boot-time configuration of ${key} could not be read`);
        const want = (str(p.value) ?? '').trim().split(/\s+/).join(' ');
        const wrong = lines.filter((l) => l.value !== want);
        const value = lines.length ? (wrong.length ? wrong.map((l) => `${l.file}: ${l.value}`).join('; ') : `${want} at boot`) : 'not set at boot';
        return seen(value, lines.length > 0 && !wrong.length, value === a.before);
      }
      if (!(key in facts.sysctl) || facts.sysctl[key] === null || facts.sysctl[key] === undefined) return unknown(`${key} could not be read`);
      const norm = (v: string | null) => (v === null ? null : v.trim().split(/\s+/).join(' '));
      const value = norm(facts.sysctl[key]!);
      return seen(value, value === norm(str(p.value) ?? ''), value === norm(a.before));
    }
    case 'service-enable':
    case 'service-disable':
    case 'service-mask': {
      const unit = str(p.unit) ?? '';
      const s = facts.services[unit];
      if (!s) return unknown(`${unit} was not examined`);
      const after = a.type === 'service-enable' ? ENABLED_LIKE.has(s.state) : a.type === 'service-disable' ? ['disabled', 'not-found', 'masked'].includes(s.state) : s.state === 'masked';
      return seen(s.state, after, s.state === a.before);
    }
    case 'kernel-module-disable': {
      const name = str(p.name) ?? '';
      const lines = facts.kernelModules?.[name];
      if (!lines) return unknown(`the modprobe configuration of ${name} could not be read`);
      const off = /^[A-Za-z0-9_-]+$/.test(name) && lines.some((l) => new RegExp(`^\\s*install\\s+${name}\\s+(/bin/false|/bin/true)$`).test(l.line));
      return seen(off ? 'disabled' : 'may load', off, !off);
    }
    default:
      return unknown('a pending reboot is reported, never changed');
  }
}

/**
 * The settlement of one host: each attempted action observed in the re-gathered facts (or unknown, with why, when
 * there are none), and the host's outcome from them. `restoreTried`: the run tried to put the host back, so a host
 * in the before state is `restored`, not `unchanged`. Pure.
 */
export function settle(actions: Intended[], facts: Facts | undefined, o: { at: string; why?: string; restoreTried?: boolean }): Pick<Settlement, 'outcome' | 'actions'> {
  const observed = actions.filter((a) => a.type !== 'reboot-notify').map((a) => ({ id: a.id, observed: facts ? observe(a, facts, o.at) : ({ state: 'unknown', why: o.why ?? 'the host could not be examined', at: o.at } as Observation) }));
  return { actions: observed, outcome: outcomeOf(observed, o) };
}

export function outcomeOf(observed: Array<{ id: string; observed: Observation }>, o: { at: string; why?: string; restoreTried?: boolean }): HostOutcome {
  const states = observed.map((x) => x.observed.state);
  const applied = observed.filter((x) => x.observed.state === 'after').map((x) => x.id);
  const unknown = observed.find((x) => x.observed.state === 'unknown');
  if (unknown) return { state: 'unknown', reason: unknown.observed.why ?? o.why, applied: applied.length ? applied : undefined, at: o.at };
  if (states.every((s) => s === 'after')) return { state: 'applied', applied, at: o.at };
  if (states.every((s) => s === 'before')) return { state: o.restoreTried ? 'restored' : 'unchanged', at: o.at };
  const other = observed.filter((x) => x.observed.state === 'other').map((x) => `${x.id} shows ${x.observed.value ?? '(none)'}`);
  return { state: 'partial', applied, reason: other.length ? other.join('; ') : undefined, at: o.at };
}

/** The facts request widened by what earlier actions touched, so that a later run can observe them even if the desired state moved on. */
export function widenRequest(r: FactsRequest, actions: Intended[]): FactsRequest {
  const files = new Set(r.files);
  const contents = new Set(r.contents);
  const services = new Set(r.services);
  const sysctl = new Set(r.sysctl);
  const modules = new Set(r.modules ?? []);
  const settings = new Map(r.settings.map((s) => [s.file, { syntax: s.syntax, keys: new Set(s.keys) }]));
  for (const a of actions) {
    const p = a.params ?? {};
    if (a.type === 'file-write' && str(p.path)) {
      files.add(str(p.path)!);
      contents.add(str(p.path)!);
    }
    if (a.type === 'file-attributes' && str(p.path)) files.add(str(p.path)!);
    if (a.type === 'setting-set' && str(p.file) && str(p.key)) {
      const s = settings.get(str(p.file)!) ?? { syntax: p.syntax === 'equals' ? ('equals' as const) : ('space' as const), keys: new Set<string>() };
      s.keys.add(str(p.key)!);
      settings.set(str(p.file)!, s);
    }
    if (a.type === 'sysctl-set' && str(p.key)) sysctl.add(str(p.key)!);
    if (a.type === 'kernel-module-disable' && str(p.name)) modules.add(str(p.name)!);
    if ((a.type === 'service-enable' || a.type === 'service-disable' || a.type === 'service-mask') && str(p.unit)) services.add(str(p.unit)!);
  }
  const sorted = (s: Iterable<string>) => [...s].sort();
  return {
    files: sorted(files),
    contents: sorted(contents),
    services: sorted(services),
    sysctl: sorted(sysctl),
    ...(modules.size ? { modules: sorted(modules) } : {}),
    settings: sorted(settings.keys()).map((file) => ({ file, syntax: settings.get(file)!.syntax, keys: sorted(settings.get(file)!.keys) })),
  };
}
