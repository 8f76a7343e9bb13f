import { ScapUnknownProfile } from '../errors/scap.js';
import type { Benchmark, XccdfProfile, XccdfRule } from './xccdf.js';

export interface ResolvedProfile {
  profile: XccdfProfile;
  /** Selected rules, in benchmark order. */
  rules: XccdfRule[];
  /** Every value of the benchmark as this profile sets it (refine-value selectors, set-value). */
  values: Map<string, string>;
  /** refine-value selectors the value does not offer (the value keeps its default). */
  warnings: string[];
}

/**
 * The rules a profile selects and the values it sets, as XCCDF 1.2 defines them: the rules' and groups' own
 * `selected` defaults, then each profile of the `extends` chain (the base first, so a tailoring profile extending a
 * benchmark profile adds to it), and a rule counts only when every group around it is selected too.
 */
export function resolveProfile(b: Benchmark, id: string, extra: Map<string, XccdfProfile> = new Map()): ResolvedProfile {
  const find = (pid: string) => extra.get(pid) ?? b.profiles.get(pid);
  const start = find(id);
  if (!start) throw new ScapUnknownProfile(id, [...extra.keys(), ...b.profiles.keys()]);
  const chain: XccdfProfile[] = [];
  for (let p: XccdfProfile | undefined = start; p; p = p.extends ? find(p.extends) : undefined) {
    if (chain.includes(p) || chain.length > 16) break;
    chain.unshift(p);
  }
  const selected = new Map<string, boolean>();
  for (const [gid, g] of b.groups) selected.set(gid, g.selected);
  for (const [rid, r] of b.rules) selected.set(rid, r.selected);
  const values = new Map<string, string>();
  for (const [vid, v] of b.values) values.set(vid, v.options.get('') ?? v.options.values().next().value ?? '');
  const warnings: string[] = [];
  for (const p of chain) {
    for (const s of p.selects) selected.set(s.idref, s.selected);
    for (const r of p.refineValues) {
      const v = b.values.get(r.idref);
      const chosen = v?.options.get(r.selector);
      if (chosen === undefined) warnings.push(`${p.id} refines ${r.idref} to selector '${r.selector}', which ${v ? 'it does not offer' : 'does not exist'}`);
      else values.set(r.idref, chosen);
    }
    for (const s of p.setValues) values.set(s.idref, s.value.trim());
  }
  const rules = [...b.rules.values()].filter((r) => selected.get(r.id) && r.groups.every((g) => selected.get(g) !== false));
  return { profile: start, rules, values, warnings };
}
