import { hintFor } from '../extends.js';
import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/** Every name that points at another object must find it: host → system/baseline/ring/window, approval → …, exception → … */
export function checkReferences(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const rings = new Map(model.rings.map((r) => [r.name, r]));
  const ref = (file: string, pointer: string, what: string, name: string, known: Map<string, unknown>, owner: string) => {
    if (known.has(name) || ctx.unreadable.has(`${what}:${name}`)) return;
    problems.push(
      problemAt(ctx.locate(file, pointer), 'dangling-reference', `${owner} refers to ${what} '${name}', which does not exist`, {
        hint: hintFor(name, [...known.keys()]),
      }),
    );
  };

  for (const h of model.hosts.values()) {
    const p = h.source.pointer;
    ref(h.source.file, `${p}/system`, 'system', h.system, model.systems, `host '${h.name}'`);
    ref(h.source.file, `${p}/baseline`, 'baseline', h.baseline, model.baselines, `host '${h.name}'`);
    ref(h.source.file, `${p}/ring`, 'ring', h.ring, rings, `host '${h.name}'`);
    if (h.window) ref(h.source.file, `${p}/window`, 'maintenance window', h.window, model.windows, `host '${h.name}'`);
  }
  for (const s of model.systems.values()) {
    if (s.window) ref(s.source.file, `${s.source.pointer}/window`, 'maintenance window', s.window, model.windows, `system '${s.name}'`);
  }
  for (const r of model.remediations.values()) {
    const f = r.source.file;
    r.selector.systems?.forEach((s, i) => ref(f, `/selector/systems/${i}`, 'system', s, model.systems, `remediation '${r.id}'`));
    r.selector.hosts?.forEach((s, i) => ref(f, `/selector/hosts/${i}`, 'host', s, model.hosts, `remediation '${r.id}'`));
  }
  for (const a of model.approvals.values()) {
    const f = a.source.file;
    ref(f, '/remediation', 'remediation', a.remediation, model.remediations, `approval '${a.id}'`);
    a.rings.forEach((r, i) => ref(f, `/rings/${i}`, 'ring', r, rings, `approval '${a.id}'`));
    ref(f, '/approver', 'board member', a.approver, model.board, `approval '${a.id}'`);
    if (a.window) ref(f, '/window', 'maintenance window', a.window, model.windows, `approval '${a.id}'`);
  }
  for (const x of model.exceptions.values()) {
    const f = x.source.file;
    if (x.host) ref(f, '/host', 'host', x.host, model.hosts, `exception '${x.id}'`);
    if (x.system) ref(f, '/system', 'system', x.system, model.systems, `exception '${x.id}'`);
    if (x.remediation) ref(f, '/remediation', 'remediation', x.remediation, model.remediations, `exception '${x.id}'`);
    ref(f, '/approver', 'board member', x.approver, model.board, `exception '${x.id}'`);
  }
  return problems;
}
