import { ScapContentInvalid } from '../errors/scap.js';
import { childOf, childrenOf, NS, textOf, type XmlElement } from './xml.js';

/** What plumb needs of an XCCDF 1.2 benchmark: rules with their checks and references, values, profiles. */
export interface Benchmark {
  id: string;
  version: string;
  title: string;
  /** CPE names or `#platform-id`s the whole benchmark applies to. */
  platforms: string[];
  rules: Map<string, XccdfRule>;
  values: Map<string, XccdfValue>;
  profiles: Map<string, XccdfProfile>;
  /** Groups with their own `selected` default (a rule in an unselected group is not processed). */
  groups: Map<string, { selected: boolean; parent?: string }>;
}

export interface XccdfRule {
  id: string;
  title: string;
  severity: string;
  /** The rule's own default; profiles override it. */
  selected: boolean;
  /** Enclosing groups, outermost first. */
  groups: string[];
  /** Platforms of the rule and its groups (`#id` into the platform specification, or a CPE name). */
  platforms: string[];
  /** CCE identifiers (ident system https://ncp.nist.gov/cce or http://cce.mitre.org). */
  cce: string[];
  /** NIST SP 800-53 controls it cites (reference elements pointing at SP 800-53). */
  nist: string[];
  /** The OVAL check, if it has one. */
  oval?: { href: string; name: string; exports: Array<{ valueId: string; exportName: string }> };
  /** The check systems it has when none is OVAL (OCIL, SCE …), or 'complex-check'. */
  otherChecks: string[];
  line: number;
}

export interface XccdfValue {
  id: string;
  type: 'string' | 'number' | 'boolean';
  /** Values by selector; '' is the default (the `value` element without a selector). */
  options: Map<string, string>;
}

export interface XccdfProfile {
  id: string;
  title: string;
  extends?: string;
  /** select elements in document order: rule or group id → selected. */
  selects: Array<{ idref: string; selected: boolean }>;
  refineValues: Array<{ idref: string; selector: string }>;
  setValues: Array<{ idref: string; value: string }>;
}

const CCE_SYSTEMS = new Set(['https://ncp.nist.gov/cce', 'http://cce.mitre.org']);
const isNist80053 = (href: string) => /800-53/.test(href);

export function readBenchmark(el: XmlElement, file: string): Benchmark {
  if (el.name !== 'Benchmark' || el.ns !== NS.xccdf) throw new ScapContentInvalid(file, `expected an XCCDF 1.2 Benchmark, found <${el.name}> in ${el.ns || 'no namespace'}`);
  const b: Benchmark = {
    id: el.attrs.id ?? '',
    version: textOf(el, 'version', NS.xccdf) ?? '',
    title: textOf(el, 'title', NS.xccdf) ?? '',
    platforms: childrenOf(el, 'platform', NS.xccdf).map((p) => p.attrs.idref ?? ''),
    rules: new Map(),
    values: new Map(),
    profiles: new Map(),
    groups: new Map(),
  };
  for (const p of childrenOf(el, 'Profile', NS.xccdf)) {
    const profile = readProfile(p);
    b.profiles.set(profile.id, profile);
  }
  walk(el, b, [], []);
  return b;
}

export function readProfile(p: XmlElement): XccdfProfile {
  return {
    id: p.attrs.id ?? '',
    title: textOf(p, 'title', NS.xccdf) ?? '',
    extends: p.attrs.extends,
    selects: childrenOf(p, 'select', NS.xccdf).map((s) => ({ idref: s.attrs.idref ?? '', selected: s.attrs.selected === 'true' || s.attrs.selected === '1' })),
    refineValues: childrenOf(p, 'refine-value', NS.xccdf).filter((r) => r.attrs.selector !== undefined).map((r) => ({ idref: r.attrs.idref ?? '', selector: r.attrs.selector! })),
    setValues: childrenOf(p, 'set-value', NS.xccdf).map((s) => ({ idref: s.attrs.idref ?? '', value: s.text })),
  };
}

function walk(el: XmlElement, b: Benchmark, groups: string[], platforms: string[]): void {
  for (const c of el.children) {
    if (c.ns !== NS.xccdf) continue;
    if (c.name === 'Group') {
      const id = c.attrs.id ?? '';
      b.groups.set(id, { selected: c.attrs.selected !== 'false' && c.attrs.selected !== '0', parent: groups[groups.length - 1] });
      walk(c, b, [...groups, id], [...platforms, ...childrenOf(c, 'platform', NS.xccdf).map((p) => p.attrs.idref ?? '')]);
    } else if (c.name === 'Rule') {
      const r = readRule(c, groups, platforms);
      b.rules.set(r.id, r);
    } else if (c.name === 'Value') {
      const v = readValue(c);
      b.values.set(v.id, v);
    }
  }
}

function readRule(c: XmlElement, groups: string[], inherited: string[]): XccdfRule {
  const checks = childrenOf(c, 'check', NS.xccdf);
  const oval = checks.find((k) => k.attrs.system === NS.oval);
  const ref = oval && childOf(oval, 'check-content-ref', NS.xccdf);
  const otherChecks = checks.filter((k) => k !== oval).map((k) => k.attrs.system ?? '?');
  if (childOf(c, 'complex-check', NS.xccdf)) otherChecks.push('complex-check');
  return {
    id: c.attrs.id ?? '',
    title: textOf(c, 'title', NS.xccdf) ?? '',
    severity: c.attrs.severity ?? 'unknown',
    selected: c.attrs.selected !== 'false' && c.attrs.selected !== '0',
    groups,
    platforms: [...inherited, ...childrenOf(c, 'platform', NS.xccdf).map((p) => p.attrs.idref ?? '')],
    cce: childrenOf(c, 'ident', NS.xccdf).filter((i) => CCE_SYSTEMS.has(i.attrs.system ?? '')).map((i) => i.text.trim()),
    nist: unique(childrenOf(c, 'reference', NS.xccdf).filter((r) => isNist80053(r.attrs.href ?? '')).map((r) => r.text.trim())),
    oval:
      oval && ref
        ? {
            href: ref.attrs.href ?? '',
            name: ref.attrs.name ?? '',
            exports: childrenOf(oval, 'check-export', NS.xccdf).map((e) => ({ valueId: e.attrs['value-id'] ?? '', exportName: e.attrs['export-name'] ?? '' })),
          }
        : undefined,
    otherChecks,
    line: c.line,
  };
}

function readValue(c: XmlElement): XccdfValue {
  const options = new Map<string, string>();
  for (const v of childrenOf(c, 'value', NS.xccdf)) options.set(v.attrs.selector ?? '', v.text.trim());
  const type = c.attrs.type === 'number' || c.attrs.type === 'boolean' ? c.attrs.type : 'string';
  return { id: c.attrs.id ?? '', type, options };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
