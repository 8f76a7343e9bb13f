import { ActionFailed } from '../errors/index.js';
import { requirementsFor, sha256 } from '../diff/requirements.js';
import type { Facts } from '../facts/types.js';
import type { HostEntry, Model } from '../model/types.js';
import type { PlannedAction } from '../plan/action.js';
import { label } from '../secrets/rules.js';

/**
 * A secret a sensitive action writes: a plan carries only its label (or sha256), so that no plan file, comment or
 * record holds it; apply takes it from the desired state it loaded — the approved commit — and checks it against what
 * the plan showed. Pure.
 */
export function secretOf(model: Model, host: HostEntry, facts: Facts, a: PlannedAction): string {
  const origin = (r: { origin: PlannedAction['origin'] }) => r.origin.kind === a.origin.kind && (r.origin.kind === 'baseline' ? a.origin.kind === 'baseline' && r.origin.name === a.origin.name : a.origin.kind === 'remediation' && r.origin.id === a.origin.id);
  for (const r of requirementsFor(model, host, facts)) {
    if (!origin(r)) continue;
    if (a.type === 'setting-set' && r.type === 'setting' && r.file === a.file && r.key === a.key && label(r.value) === a.value) return r.value;
    if (a.type === 'file-write' && r.type === 'file' && r.path === a.path && r.content !== undefined && sha256(r.content) === a.sha256) return r.content;
  }
  throw new ActionFailed(host.name, a.id, 'the secret it writes is not in the desired state as the plan showed it');
}
