import { childOf, childrenOf, NS, type XmlElement } from './xml.js';

/** An OVAL 5 definitions document, indexed by id: what the mappers read a rule's check from. */
export interface OvalDocument {
  file: string;
  definitions: Map<string, XmlElement>;
  tests: Map<string, XmlElement>;
  objects: Map<string, XmlElement>;
  states: Map<string, XmlElement>;
  variables: Map<string, XmlElement>;
}

export function readOval(el: XmlElement, file: string): OvalDocument {
  const index = (section: string) => {
    const m = new Map<string, XmlElement>();
    for (const c of childOf(el, section, NS.oval)?.children ?? []) if (c.attrs.id) m.set(c.attrs.id, c);
    return m;
  };
  return { file, definitions: index('definitions'), tests: index('tests'), objects: index('objects'), states: index('states'), variables: index('variables') };
}

/** A test's kind without the `_test` suffix: dpkginfo, textfilecontent54, file, sysctl, systemdunitdependency … */
export function testKind(test: XmlElement): string {
  return test.name.replace(/_test$/, '');
}

export function objectOf(doc: OvalDocument, test: XmlElement): XmlElement | undefined {
  const ref = test.children.find((c) => c.name === 'object')?.attrs.object_ref;
  return ref ? doc.objects.get(ref) : undefined;
}

export function statesOf(doc: OvalDocument, test: XmlElement): XmlElement[] {
  return test.children.filter((c) => c.name === 'state').flatMap((c) => {
    const s = doc.states.get(c.attrs.state_ref ?? '');
    return s ? [s] : [];
  });
}

/** An object's own entity (filepath, name, pattern …) by local name. */
export function entity(obj: XmlElement, name: string): XmlElement | undefined {
  return obj.children.find((c) => c.name === name);
}

/**
 * Objects built from a `set` of other objects, flattened to the objects they are made of (SSG's sysctl checks build
 * "every file that sets the key" from four per-directory objects). Filters on set members are not followed.
 */
export function memberObjects(doc: OvalDocument, obj: XmlElement, depth = 0): XmlElement[] {
  const set = obj.children.find((c) => c.name === 'set');
  if (!set || depth > 8) return [obj];
  return childrenOf(set, 'object_reference').flatMap((r) => {
    const o = doc.objects.get(r.text.trim());
    return o ? memberObjects(doc, o, depth + 1) : [];
  });
}

/** The literal value(s) of an OVAL variable: a constant's values, or an external one bound to an XCCDF value. */
export function variableValues(doc: OvalDocument, id: string, bound: Map<string, string>): string[] | undefined {
  const v = doc.variables.get(id);
  if (!v) return undefined;
  if (v.name === 'constant_variable') return childrenOf(v, 'value').map((x) => x.text.trim());
  if (v.name === 'external_variable') {
    const b = bound.get(id);
    return b === undefined ? undefined : [b];
  }
  return undefined;
}
