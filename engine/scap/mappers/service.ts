import type { Expr } from '../criteria.js';
import type { Claim, MapContext, Mapper } from '../mapping.js';
import { entity, objectOf, statesOf, testKind } from '../oval.js';

/**
 * SSG's service rules ask the running systemd: "enabled" is `multi-user.target` wanting the unit (its .service or
 * .socket) AND its ActiveState active; "disabled" is its LoadState masked AND not running. Plumbline reads unit files
 * offline (`systemctl --root=/ is-enabled` semantics) and checks the enablement only: a service item `enabled` or
 * `masked`. That a unit is running right now is not a configuration plumb keeps (README, "Known differences").
 */
export const serviceMapper: Mapper = {
  kind: 'service',
  description: 'systemdunitdependency (multi-user.target wants the unit) and systemdunitproperty (ActiveState, LoadState masked) tests: services enabled or masked',
  claim(conjuncts, ctx): Claim[] {
    const out: Claim[] = [];
    const running = conjuncts.filter((c) => property(c, ctx)?.property === 'ActiveState');
    for (const c of conjuncts) {
      const wanted = wantedBy(c, ctx);
      if (wanted) {
        const unit = wanted.find((u) => u.endsWith('.service')) ?? wanted[0]!;
        const active = running.filter((r) => property(r, ctx)!.value === 'active');
        out.push({ used: [c, ...active], items: [{ kind: 'service', unit, state: 'enabled' }], note: active.length ? 'the check also wants it running; plumb checks that it is enabled' : undefined });
        continue;
      }
      const p = property(c, ctx);
      if (p?.property === 'LoadState' && p.value === 'masked') {
        const stopped = running.filter((r) => property(r, ctx)!.value !== 'active');
        out.push({ used: [c, ...stopped], items: [{ kind: 'service', unit: p.unit, state: 'masked' }], note: stopped.length ? 'the check also wants it stopped; plumb checks that it is masked' : undefined });
      }
    }
    return out;
  },
};

/** `OR(multi-user.target wants X.service, … wants X.socket)` or one such test: the units named. */
function wantedBy(e: Expr, ctx: MapContext): string[] | undefined {
  const tests = e.op === 'or' && !e.negate ? e.items : [e];
  const units: string[] = [];
  for (const t of tests) {
    if (t.op !== 'test' || t.negate || testKind(t.test) !== 'systemdunitdependency') return undefined;
    const obj = objectOf(ctx.doc, t.test);
    if (entity(obj ?? t.test, 'unit')?.text.trim() !== 'multi-user.target') return undefined;
    const states = statesOf(ctx.doc, t.test);
    const dep = states.length === 1 ? entity(states[0]!, 'dependency') : undefined;
    const unit = dep?.text.trim();
    if (!unit || !/^[A-Za-z0-9][A-Za-z0-9@._:-]*\.(service|socket)$/.test(unit)) return undefined;
    units.push(unit);
  }
  return units.length ? units : undefined;
}

/** A systemdunitproperty test on one unit (`^name\.(service|socket)$`) and the property value it wants. */
function property(e: Expr, ctx: MapContext): { unit: string; property: string; value: string } | undefined {
  if (e.op !== 'test' || e.negate || testKind(e.test) !== 'systemdunitproperty') return undefined;
  const obj = objectOf(ctx.doc, e.test);
  const unitPattern = obj && entity(obj, 'unit')?.text.trim();
  const m = unitPattern && /^\^([A-Za-z0-9_-]+)\\\.\((?:service\|socket|socket\|service)\)\$$/.exec(unitPattern);
  const prop = obj && entity(obj, 'property')?.text.trim();
  const states = statesOf(ctx.doc, e.test);
  const value = states.length === 1 ? entity(states[0]!, 'value')?.text.trim() : undefined;
  if (!m || !prop || value === undefined) return undefined;
  return { unit: `${m[1]}.service`, property: prop, value: value === 'inactive|failed' ? 'inactive' : value };
}
