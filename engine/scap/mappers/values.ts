import type { MapContext } from '../mapping.js';
import { variableValues } from '../oval.js';
import type { XmlElement } from '../xml.js';

/** An entity's wanted value: its text, or the one value of the variable it refers to (a profile's refined value). */
export function wantedValue(ctx: MapContext, el: XmlElement): { value: string; operation: string; datatype: string } | undefined {
  const operation = el.attrs.operation ?? 'equals';
  const datatype = el.attrs.datatype ?? 'string';
  if (el.attrs.var_ref) {
    const vs = variableValues(ctx.doc, el.attrs.var_ref, ctx.bound);
    if (!vs || vs.length !== 1) return undefined;
    return { value: vs[0]!, operation, datatype };
  }
  return { value: el.text.trim(), operation, datatype };
}

/**
 * The literal a pattern stands for when it is one anchored literal (`^no$`, `^/etc/passwd-$`), undefined when it is
 * a real pattern: only a value that is exactly one string can become a baseline value.
 */
export function anchoredLiteral(pattern: string): string | undefined {
  const m = /^\^(.*)\$$/.exec(pattern);
  if (!m) return undefined;
  const body = m[1]!;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[++i];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \s, \d …: a class, not a literal
      out += next;
    } else if (/[.*+?()[\]{}|^$]/.test(ch)) return undefined;
    else out += ch;
  }
  return out;
}

/** A value for a baseline: the exact string, or undefined when the operation is not equality. */
export function exactValue(w: { value: string; operation: string } | undefined): string | undefined {
  if (!w) return undefined;
  if (w.operation === 'equals' || w.operation === 'case insensitive equals') return w.value;
  if (w.operation === 'pattern match') return anchoredLiteral(w.value);
  return undefined;
}
