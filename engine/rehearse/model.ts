import { createHash } from 'node:crypto';
import type { Provenance } from '../model/problem.js';
import type { HostEntry, Model, RemediationEntry } from '../model/types.js';
import { satisfiesOsVersion } from '../versioning/index.js';

/** The lab's standard image: what a rehearsal can stand in for. */
export const LAB_PLATFORM = { os: 'debian', versionId: '12' };

const synthetic = (what: string): Provenance => ({ file: `(rehearsal: ${what})`, line: 1, col: 1, pointer: '', commit: null });

/**
 * The baselines a remediation would meet in production: those of the inventory hosts its selector picks. When it
 * picks none (a remediation written ahead of the fleet), every baseline whose platform it selects.
 */
export function targetBaselines(model: Model, r: RemediationEntry): { rehearsable: string[]; skipped: Array<{ baseline: string; why: string }> } {
  const s = r.selector;
  const hosts = [...model.hosts.values()].filter(
    (h) => (!s.hosts || s.hosts.includes(h.name)) && (!s.systems || s.systems.includes(h.system)) && (!s.tags || s.tags.some((t) => h.tags?.includes(t))),
  );
  const names = hosts.length ? [...new Set(hosts.map((h) => h.baseline))] : [...model.resolvedBaselines.keys()];
  const rehearsable: string[] = [];
  const skipped: Array<{ baseline: string; why: string }> = [];
  for (const name of names.sort()) {
    const b = model.resolvedBaselines.get(name);
    if (!b) continue;
    const p = b.platform;
    const fits = !p || (p.os === LAB_PLATFORM.os && (!p.versions || satisfiesOsVersion(LAB_PLATFORM.versionId, p.versions)));
    const selected = !s.platforms || s.platforms.some((sp) => sp.os === LAB_PLATFORM.os && (!sp.versions || satisfiesOsVersion(LAB_PLATFORM.versionId, sp.versions)));
    if (fits && selected) rehearsable.push(name);
    else skipped.push({ baseline: name, why: `the lab has ${LAB_PLATFORM.os} ${LAB_PLATFORM.versionId} images only` });
  }
  return { rehearsable, skipped };
}

/**
 * A copy of the desired state for the lab: its hosts instead of the inventory's, one ring, and the remediation under
 * test — with its host, system and tag conditions lifted (they name production machines) and an approval that
 * exists only here. `withRemediation: false` gives the standard configuration alone.
 */
export function rehearsalModel(model: Model, r: RemediationEntry, hosts: HostEntry[], withRemediation: boolean): Model {
  const { hosts: _h, systems: _s, tags: _t, ...selector } = r.selector;
  const remediation: RemediationEntry = { ...r, selector };
  const approval = {
    id: `REHEARSAL-${createHash('sha256').update(r.id).digest('hex').slice(0, 8)}`,
    remediation: r.id,
    rings: ['rehearsal'],
    approver: 'plumb-rehearse',
    date: '1970-01-01',
    ticket: 'rehearsal',
    source: synthetic('approval'),
  };
  return {
    ...model,
    hosts: new Map(hosts.map((h) => [h.name, h])),
    systems: new Map([['rehearsal', { name: 'rehearsal', impact: 'low', owner: 'plumb rehearse', source: synthetic('system') }]]),
    rings: [{ name: 'rehearsal', soak: 0, failure_threshold: '100%', index: 0, source: synthetic('ring') }],
    windows: new Map(),
    board: new Map([['plumb-rehearse', { id: 'plumb-rehearse', name: 'plumb rehearse', email: 'rehearse@localhost', source: synthetic('board') }]]),
    remediations: withRemediation ? new Map([[r.id, remediation]]) : new Map(),
    approvals: withRemediation ? new Map([[approval.id, approval]]) : new Map(),
    exceptions: new Map(),
  };
}
