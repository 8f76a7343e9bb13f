import { sensitiveOf } from '../model/extends.js';
import type { HostEntry, ManagedFile, Model, ResolvedBaseline } from '../model/types.js';
import { holdsPrivateKey, SENSITIVE_KEY, sensitivePathByName } from './rules.js';

/**
 * Which managed paths and setting keys are secrets on one host. The default rules (rules.ts) apply unless the desired
 * state says otherwise: any entry may mark a path or key sensitive; only a baseline — approved by its merge — may
 * mark one not sensitive, so that a remediation nobody approved cannot open a secret to the output. Pure.
 */
export interface Sensitivity {
  file(path: string): boolean;
  key(file: string, key: string): boolean;
}

interface Marks {
  raise: Set<string>;
  lower: Set<string>;
  raiseKeys: Set<string>;
  lowerKeys: Set<string>;
}

const fk = (file: string, key: string) => `${file}\u0000${key}`;
const emptyMarks = (): Marks => ({ raise: new Set(), lower: new Set(), raiseKeys: new Set(), lowerKeys: new Set() });

function fileMarks(m: Marks, f: Pick<ManagedFile, 'path' | 'content' | 'template' | 'sensitive'>, mayLower: boolean): void {
  if (f.sensitive === true || (f.sensitive === undefined && holdsPrivateKey(f.content ?? f.template ?? ''))) m.raise.add(f.path);
  else if (f.sensitive === false && mayLower) m.lower.add(f.path);
}

const byModel = new WeakMap<Model, Marks>();
/** The remediations' marks: they can only raise. */
function modelMarks(model: Model): Marks {
  let m = byModel.get(model);
  if (m) return m;
  m = emptyMarks();
  for (const r of model.remediations.values()) {
    for (const f of r.action?.files ?? []) fileMarks(m, f, false);
    for (const s of r.action?.settings ?? []) for (const key of Object.keys(s.values)) if (sensitiveOf(s.sensitive, key).sensitive) m.raiseKeys.add(fk(s.file, key));
  }
  byModel.set(model, m);
  return m;
}

const byBaseline = new WeakMap<ResolvedBaseline, Marks>();
function baselineMarks(b: ResolvedBaseline | undefined): Marks {
  if (!b) return emptyMarks();
  let m = byBaseline.get(b);
  if (m) return m;
  m = emptyMarks();
  for (const f of b.files) fileMarks(m, f, true);
  for (const s of b.settings) {
    if (s.sensitive === true) m.raiseKeys.add(fk(s.file, s.key));
    else if (s.sensitive === false) m.lowerKeys.add(fk(s.file, s.key));
  }
  byBaseline.set(b, m);
  return m;
}

export function sensitivityFor(model: Model, host: Pick<HostEntry, 'baseline'>): Sensitivity {
  const r = modelMarks(model);
  const b = baselineMarks(model.resolvedBaselines.get(host.baseline));
  const file = (path: string) => r.raise.has(path) || b.raise.has(path) || (!b.lower.has(path) && sensitivePathByName(path));
  return {
    file,
    key(f, key) {
      const k = fk(f, key);
      if (r.raiseKeys.has(k) || b.raiseKeys.has(k)) return true;
      if (b.lowerKeys.has(k)) return false;
      return file(f) || SENSITIVE_KEY.test(key);
    },
  };
}
