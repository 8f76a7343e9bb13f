import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RebuildError } from '../errors/index.js';
import { gatherAll } from '../facts/gather.js';
import { factsDigest } from '../facts/digest.js';
import { editHostField } from '../import/ansible/merge.js';
import { readLab, resetHost } from '../lab/index.js';
import type { Incident, RunRecord } from '../ledger/types.js';
import { loadRepository } from '../model/load.js';
import type { HostEntry } from '../model/types.js';
import { assemblePlan } from '../plan/assemble.js';
import { reconcile, type ReconcilePorts } from '../reconcile/flow.js';
import type { ConnectOptions } from '../transport/index.js';
import { resolveRoutes } from '../transport/ssh/config/routes.js';
import { probeHostKey } from '../transport/ssh/index.js';
import { JumpCache } from '../transport/ssh/jump.js';
import { TransportPool } from '../transport/pool.js';

export interface RebuildOptions {
  repo: string;
  host: string;
  /** The lab the host lives in: reset it from the standard image, with new host keys. */
  lab?: string;
  /** Production: the new host key, verified out of band, of a host rebuilt by other means. */
  fingerprint?: string;
  /** Production: who rebuilt it, and how (recorded). */
  doneBy?: string;
  connect?: ConnectOptions;
  ports?: ReconcilePorts;
}

export interface RebuildResult {
  host: string;
  incident: Incident;
  record?: RunRecord;
  ledgerCommit?: string;
  lifted: boolean;
}

/**
 * plumb rebuild (SP 800-40 4.4: a compromised host is rebuilt from the latest known-good standard image):
 *  1. the host must be quarantined (marked compromised);
 *  2. lab: reset from the standard image with new host keys; production: a rebuild done by other means, recorded
 *     with who did it and the new key, verified out of band;
 *  3. the key the host now presents must be that new key and none of the old ones (they may be an attacker's),
 *     and it replaces the old pins in the inventory;
 *  4. its baseline is applied from scratch (a reconcile that plans for the quarantined host, kind rebuild, the
 *     incident recorded with the run in the ledger);
 *  5. it is verified — facts gathered again, nothing left to do — and only then the quarantine is lifted (the
 *     compromised mark removed from the inventory). Otherwise it stays and the error says why.
 * Inventory edits are to the working tree, like plumb hosts trust: commit them through review.
 */
export async function rebuildHost(o: RebuildOptions): Promise<RebuildResult> {
  const loaded = await loadRepository(o.repo);
  const host = loaded.model.hosts.get(o.host);
  if (!host?.compromised) throw new RebuildError('E_NOT_QUARANTINED', `host '${o.host}' is not quarantined (not marked compromised)`, 'quarantine it first (compromised: in the inventory); a rebuild closes an incident');
  if (!o.lab && !o.fingerprint) throw new RebuildError('E_REBUILD_KEY', 'a rebuild done by other means needs the new host key', 'rebuild the host from the standard image, verify its new key on its console (ssh-keygen -lf), then: plumb rebuild HOST --fingerprint SHA256:… --done-by "…"');
  const previous = host.host_keys ?? [];

  let expected: string[];
  if (o.lab) {
    const info = readLab({ name: o.lab });
    const lh = info.hosts.find((h) => h.address === host.address || h.name === host.name);
    if (!lh) throw new RebuildError('E_REBUILD_LAB', `lab '${o.lab}' has no host at ${host.address}`, 'name the lab the host runs in (plumb lab status)');
    const after = await resetHost({ name: o.lab, host: lh.name, newHostKeys: true });
    expected = after.hosts.find((h) => h.name === lh.name)!.fingerprints;
  } else expected = [o.fingerprint!];

  // The key it presents now, through its jump hosts if it has any: the new one, and not an old one.
  const jumps = new JumpCache();
  let presented: string;
  try {
    presented = (await probeHostKey(host, { ...o.connect, routes: resolveRoutes(loaded.model, [host]), jumps })).fingerprint;
  } finally {
    await jumps.closeAll();
  }
  if (previous.includes(presented)) throw new RebuildError('E_REBUILD_SAME_KEY', `host '${host.name}' still presents its old host key ${presented}: it was not rebuilt (or its keys were copied over)`, 'a rebuilt host gets new host keys; the old ones may be in the attacker’s hands');
  if (!expected.includes(presented)) throw new RebuildError('E_REBUILD_KEY', `host '${host.name}' presents ${presented}, not the new key ${expected.join(' or ')}`, 'compare the key on the host’s console; someone may be in between', { presented, expected });

  const file = join(o.repo, host.source.file);
  writeFileSync(file, editHostField(readFileSync(file, 'utf8'), host.name, 'host_keys', [presented]));

  const incident: Incident = {
    host: host.name,
    quarantine: { since: host.compromised.since, reason: host.compromised.reason, ...(host.compromised.ticket ? { ticket: host.compromised.ticket } : {}) },
    rebuild: { how: o.lab ? 'lab-image' : 'recorded', ...(o.doneBy ? { by: o.doneBy } : {}), at: new Date().toISOString() },
    previousHostKeys: previous,
    newHostKeys: [presented],
  };
  const result = await reconcile({ repo: o.repo, filter: { host: [host.name] }, concurrency: 1, kind: 'rebuild', rebuilding: { host: host.name, incident }, connect: o.connect }, o.ports);
  const verified = await verifiedClean(o.repo, host.name, o.connect);
  const failed = result.record?.status !== 'completed' || !verified.clean;
  if (failed) {
    throw new RebuildError('E_REBUILD_UNVERIFIED', `the rebuild of '${host.name}' is not verified (${result.record?.status ?? 'no run'}${verified.clean ? '' : `; ${verified.why}`}): it stays quarantined`, 'see plumb history and plumb plan for the host, fix what stops it, and run plumb rebuild again', { run: result.record?.id });
  }
  const now = readFileSync(file, 'utf8');
  writeFileSync(file, editHostField(now, host.name, 'compromised', undefined));
  return { host: host.name, incident, record: result.record, ledgerCommit: result.ledgerCommit, lifted: true };
}

/** Facts gathered again after the rebuild: its baseline and approved remediations have nothing left to do. */
async function verifiedClean(repo: string, name: string, connect?: ConnectOptions): Promise<{ clean: boolean; why?: string }> {
  const { model, digest } = await loadRepository(repo);
  const host = model.hosts.get(name) as HostEntry;
  const pool = new TransportPool(connect);
  try {
    const { facts, errors } = await gatherAll([host], model, { pool });
    const f = facts.get(name);
    if (!f) return { clean: false, why: errors.get(name)?.message ?? 'no facts' };
    const plan = assemblePlan(model, [{ host: name, facts: f, digest: factsDigest(f) }], { stateDigest: digest, rebuilding: name });
    const h = plan.hosts[0]!;
    const left = h.actions.filter((a) => a.type !== 'reboot-notify').length;
    return left ? { clean: false, why: `${left} change(s) still needed` } : { clean: true };
  } finally {
    await pool.closeAll();
  }
}
