import { problemAt, pointerJoin, type Problem, type Provenance } from './problem.js';
import { unitName, type BaselineEntry, type ResolvedBaseline } from './types.js';

type Locate = (file: string, pointer: string) => Provenance;

/**
 * Merges every baseline with the baselines it `extends`. The rules (also in engine/model/README.md):
 * - parents apply left to right, then the baseline's own entries; a later entry replaces an earlier one with the same key;
 * - keys: packages by name (required and forbidden share the key, so a child may forbid what a parent required and
 *   vice versa), files by path, settings by file + key, services by unit, sysctl by key, variables by name;
 * - the nearest `platform` wins;
 * - each merged entry keeps the provenance of the file that declared it.
 */
export function resolveBaselines(baselines: Map<string, BaselineEntry>, locate: Locate, unreadable: ReadonlySet<string> = new Set()): { baselines: Map<string, ResolvedBaseline>; problems: Problem[] } {
  const problems: Problem[] = [];
  const done = new Map<string, ResolvedBaseline | null>();
  const visiting: string[] = [];

  const parentsOf = (b: BaselineEntry): string[] => (b.extends === undefined ? [] : Array.isArray(b.extends) ? b.extends : [b.extends]);

  const resolve = (name: string): ResolvedBaseline | null => {
    if (done.has(name)) return done.get(name)!;
    const b = baselines.get(name)!;
    visiting.push(name);
    const parents: ResolvedBaseline[] = [];
    let broken = false;
    parentsOf(b).forEach((parent, i) => {
      const ptr = Array.isArray(b.extends) ? `/extends/${i}` : '/extends';
      const where = locate(b.source.file, ptr);
      if (!baselines.has(parent)) {
        if (!unreadable.has(`baseline:${parent}`)) problems.push(problemAt(where, 'dangling-reference', `baseline '${name}' extends '${parent}', which does not exist`, { hint: hintFor(parent, [...baselines.keys()]) }));
        broken = true;
        return;
      }
      const cycleAt = visiting.indexOf(parent);
      if (cycleAt >= 0) {
        const cycle = [...visiting.slice(cycleAt), parent].join(' → ');
        problems.push(problemAt(where, 'extends-cycle', `baselines extend each other in a cycle: ${cycle}`, { hint: 'remove one of the extends links' }));
        broken = true;
        return;
      }
      const r = resolve(parent);
      if (r) parents.push(r);
      else broken = true;
    });
    visiting.pop();
    const result = broken ? null : merge(b, parents, locate);
    done.set(name, result);
    return result;
  };

  for (const name of baselines.keys()) resolve(name);
  const out = new Map<string, ResolvedBaseline>();
  for (const [k, v] of done) if (v) out.set(k, v);
  return { baselines: out, problems };
}

function merge(b: BaselineEntry, parents: ResolvedBaseline[], locate: Locate): ResolvedBaseline {
  const file = b.source.file;
  const at = (pointer: string) => locate(file, pointer);
  const packages = new Map<string, { kind: 'required' | 'forbidden'; entry: ResolvedBaseline['packages']['required'][number] | ResolvedBaseline['packages']['forbidden'][number] }>();
  const files = new Map<string, ResolvedBaseline['files'][number]>();
  const settings = new Map<string, ResolvedBaseline['settings'][number]>();
  const services = new Map<string, ResolvedBaseline['services'][number]>();
  const sysctl = new Map<string, ResolvedBaseline['sysctl'][number]>();
  const modules = new Map<string, ResolvedBaseline['kernelModules'][number]>();
  const controls = new Map<string, ResolvedBaseline['controls'][number]>();
  const unmapped = new Map<string, ResolvedBaseline['unmapped'][number]>();
  const variables: ResolvedBaseline['variables'] = {};
  let platform: ResolvedBaseline['platform'];

  for (const p of parents) {
    for (const r of p.packages.required) set(packages, r.name, { kind: 'required', entry: r });
    for (const f of p.packages.forbidden) set(packages, f.name, { kind: 'forbidden', entry: f });
    for (const f of p.files) set(files, f.path, f);
    for (const s of p.settings) set(settings, `${s.file}\u0000${s.key}`, s);
    for (const s of p.services) set(services, s.name, s);
    for (const s of p.sysctl) set(sysctl, s.key, s);
    for (const m of p.kernelModules) set(modules, m.name, m);
    for (const c of p.controls) set(controls, c.id, c);
    for (const u of p.unmapped) set(unmapped, u.rule, u);
    Object.assign(variables, p.variables);
    if (p.platform) platform = p.platform;
  }

  b.packages?.required?.forEach((r, i) => set(packages, r.name, { kind: 'required', entry: { ...r, source: at(`/packages/required/${i}`) } }));
  b.packages?.forbidden?.forEach((f, i) => set(packages, f.name, { kind: 'forbidden', entry: { ...f, source: at(`/packages/forbidden/${i}`) } }));
  b.files?.forEach((f, i) => set(files, f.path, { ...f, source: at(`/files/${i}`) }));
  b.settings?.forEach((s, i) => {
    for (const [key, value] of Object.entries(s.values)) {
      set(settings, `${s.file}\u0000${key}`, {
        file: s.file,
        syntax: s.syntax ?? 'space',
        key,
        value: String(value),
        source: at(pointerJoin(`/settings/${i}/values`, key)),
        ...sensitiveOf(s.sensitive, key),
      });
    }
  });
  for (const [name, state] of Object.entries(b.services ?? {})) {
    if (state) set(services, unitName(name), { name: unitName(name), state, source: at(pointerJoin('/services', name)) });
  }
  for (const [key, value] of Object.entries(b.sysctl ?? {})) {
    if (value !== undefined) set(sysctl, key, { key, value: String(value), source: at(pointerJoin('/sysctl', key)) });
  }
  for (const [name, state] of Object.entries(b.kernel_modules ?? {})) {
    if (state) set(modules, name, { name, state, source: at(pointerJoin('/kernel_modules', name)) });
  }
  if (b.scap) {
    const content = { datastream: b.scap.datastream, benchmark: b.scap.benchmark, version: b.scap.version, profile: b.scap.profile };
    b.scap.rules.forEach((r, i) => set(controls, r.id, { id: r.id, title: r.title, severity: r.severity, cce: r.cce ?? [], nist: r.nist ?? [], checks: r.checks, guard: r.guard, notes: r.notes, appliesIf: r.applies_if, content, source: at(`/scap/rules/${i}`) }));
  }
  b.unmapped?.forEach((u, i) => set(unmapped, u.rule, { rule: u.rule, title: u.title, severity: u.severity, cce: u.cce ?? [], nist: u.nist ?? [], reason: u.reason, source: at(`/unmapped/${i}`) }));
  Object.assign(variables, b.variables ?? {});
  if (b.platform) platform = { ...b.platform, source: at('/platform') };

  const required: ResolvedBaseline['packages']['required'] = [];
  const forbidden: ResolvedBaseline['packages']['forbidden'] = [];
  for (const { kind, entry } of packages.values()) (kind === 'required' ? required : forbidden).push(entry as never);

  return {
    name: b.name,
    chain: [...new Set([...parents.flatMap((p) => p.chain), b.name])],
    platform,
    variables: variables as ResolvedBaseline['variables'],
    packages: { required, forbidden },
    files: [...files.values()],
    settings: [...settings.values()],
    services: [...services.values()],
    sysctl: [...sysctl.values()],
    kernelModules: [...modules.values()],
    controls: [...controls.values()],
    unmapped: [...unmapped.values()],
    source: b.source,
  };
}

/** Map.set that moves a replaced key to the end, so merged lists read in declaration order. */
function set<K, V>(m: Map<K, V>, k: K, v: V): void {
  m.delete(k);
  m.set(k, v);
}

export function hintFor(name: string, known: string[]): string {
  const close = known.filter((k) => k.toLowerCase().includes(name.toLowerCase().slice(0, 3))).slice(0, 3);
  return close.length ? `did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : known.length ? `known: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''}` : 'none are declared';
}

/** A settings entry's `sensitive:` (true, false or a list of keys) as it applies to one key; {} for the default rule. */
export function sensitiveOf(sensitive: boolean | string[] | undefined, key: string): { sensitive?: boolean } {
  if (typeof sensitive === 'boolean') return { sensitive };
  return Array.isArray(sensitive) && sensitive.includes(key) ? { sensitive: true } : {};
}
