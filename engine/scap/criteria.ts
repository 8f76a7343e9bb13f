import { entity, objectOf, statesOf, testKind, variableValues, type OvalDocument } from './oval.js';
import type { XmlElement } from './xml.js';

/**
 * A rule's OVAL definition as a boolean expression over its tests, with what import already knows folded away:
 * `variable_test`s on the profile's values (SSG's "is sshd required?"), `extend_definition`s inlined, constants
 * propagated. The mappers then read the tests that remain, the ones a host decides.
 */
export type Expr =
  | { op: 'const'; value: boolean }
  | { op: 'test'; test: XmlElement; negate: boolean }
  | { op: 'and' | 'or'; items: Expr[]; negate: boolean }
  | { op: 'unsupported'; why: string };

export const TRUE: Expr = { op: 'const', value: true };
export const FALSE: Expr = { op: 'const', value: false };

export interface CriteriaContext {
  doc: OvalDocument;
  /** OVAL external variable id → the XCCDF value bound to it for this profile. */
  bound: Map<string, string>;
}

export function definitionExpr(ctx: CriteriaContext, defId: string, depth = 0): Expr {
  const def = ctx.doc.definitions.get(defId);
  if (!def) return { op: 'unsupported', why: `the OVAL definition ${defId} is missing` };
  if (depth > 32) return { op: 'unsupported', why: 'definitions extend each other too deeply' };
  const criteria = def.children.find((c) => c.name === 'criteria');
  return criteria ? criteriaExpr(ctx, criteria, depth) : { op: 'unsupported', why: `${defId} has no criteria` };
}

function criteriaExpr(ctx: CriteriaContext, el: XmlElement, depth: number): Expr {
  const negate = el.attrs.negate === 'true';
  if (el.name === 'criterion') {
    const test = ctx.doc.tests.get(el.attrs.test_ref ?? '');
    if (!test) return { op: 'unsupported', why: `the OVAL test ${el.attrs.test_ref} is missing` };
    const folded = testKind(test) === 'variable' ? foldVariableTest(ctx, test) : undefined;
    if (folded) return not(folded, negate);
    return { op: 'test', test, negate };
  }
  if (el.name === 'extend_definition') return not(definitionExpr(ctx, el.attrs.definition_ref ?? '', depth + 1), negate);
  const operator = (el.attrs.operator ?? 'AND').toUpperCase();
  if (operator !== 'AND' && operator !== 'OR') return { op: 'unsupported', why: `criteria with operator ${operator}` };
  const items = el.children.filter((c) => c.name === 'criteria' || c.name === 'criterion' || c.name === 'extend_definition').map((c) => criteriaExpr(ctx, c, depth));
  return simplify({ op: operator === 'AND' ? 'and' : 'or', items, negate });
}

function not(e: Expr, negate: boolean): Expr {
  if (!negate) return e;
  if (e.op === 'const') return { op: 'const', value: !e.value };
  if (e.op === 'unsupported') return e;
  return { ...e, negate: !e.negate };
}

/** Constants out of ANDs and ORs, nested operators of the same kind flattened, single items lifted. */
export function simplify(e: Expr): Expr {
  if (e.op !== 'and' && e.op !== 'or') return e;
  const absorbing = e.op === 'or';
  const items: Expr[] = [];
  for (const raw of e.items) {
    const i = simplify(raw);
    if (i.op === 'const') {
      if (i.value === absorbing) return not({ op: 'const', value: absorbing }, e.negate);
      continue;
    }
    if (i.op === e.op && !i.negate) items.push(...i.items);
    else items.push(i);
  }
  if (!items.length) return not({ op: 'const', value: !absorbing }, e.negate);
  if (items.length === 1) return not(items[0]!, e.negate);
  return { op: e.op, items, negate: e.negate };
}

/**
 * A variable_test on an external variable bound to a profile value and a constant state is decided at import.
 * Anything else (a variable computed on the host) stays a test, which no mapper claims.
 */
function foldVariableTest(ctx: CriteriaContext, test: XmlElement): Expr | undefined {
  const obj = objectOf(ctx.doc, test);
  const ref = obj && entity(obj, 'var_ref')?.text.trim();
  const values = ref ? variableValues(ctx.doc, ref, ctx.bound) : undefined;
  const states = statesOf(ctx.doc, test);
  if (!values || values.length !== 1 || states.length !== 1) return undefined;
  const v = entity(states[0]!, 'value');
  if (!v || v.attrs.var_ref) return undefined;
  const ok = compareValue(values[0]!, v.text.trim(), v.attrs.operation ?? 'equals', v.attrs.datatype ?? 'string');
  return ok === undefined ? undefined : { op: 'const', value: ok };
}

export function compareValue(actual: string, wanted: string, operation: string, datatype: string): boolean | undefined {
  if (datatype === 'int') {
    const a = Number(actual);
    const w = Number(wanted);
    if (!Number.isInteger(a) || !Number.isInteger(w)) return undefined;
    switch (operation) {
      case 'equals': return a === w;
      case 'not equal': return a !== w;
      case 'greater than': return a > w;
      case 'greater than or equal': return a >= w;
      case 'less than': return a < w;
      case 'less than or equal': return a <= w;
      default: return undefined;
    }
  }
  if (operation === 'equals') return actual === wanted;
  if (operation === 'not equal') return actual !== wanted;
  if (operation === 'case insensitive equals') return actual.toLowerCase() === wanted.toLowerCase();
  return undefined;
}

/** The tests of an expression, with whether each is negated by the path to it (for describing what is left). */
export function testsIn(e: Expr): XmlElement[] {
  if (e.op === 'test') return [e.test];
  if (e.op === 'and' || e.op === 'or') return e.items.flatMap(testsIn);
  return [];
}
