import { hostname, userInfo } from 'node:os';
import { PlumbError } from '../errors/index.js';
import { factsDigest } from '../facts/digest.js';
import { gatherFacts } from '../facts/gather.js';
import { installedVersion, isInstalled } from '../facts/package-state.js';
import { requestFor } from '../facts/request.js';
import type { Facts } from '../facts/types.js';
import type { ActionRecord, HostRecord, RunRecord } from '../ledger/types.js';
import type { HostEntry, Model } from '../model/types.js';
import { platformFor } from '../platform/index.js';
import type { Transport } from '../transport/index.js';
import { shellQuote } from '../transport/shell.js';
import { BACKUP_ROOT, compareBackupCommand, restoreCommand } from './host-commands.js';
import type { LedgerPort } from '../reconcile/execute.js';

export interface RollbackPlan {
  run: RunRecord;
  host: HostRecord;
  /** Files the run backed up on the host, restored as a whole from its manifest. */
  restoreFiles: boolean;
  packages: Array<{ name: string; to: string | null; from: string | null; available: boolean }>;
}

/**
 * What rolling a host back to before a run means, from the ledger and the host's packages now. Restoring a run's
 * backup would silently undo whatever later runs changed on the host too, so that is refused unless forced.
 */
export async function planRollback(run: RunRecord, hostName: string, t: Transport, facts: Facts, opts: { later?: RunRecord[]; force?: boolean } = {}): Promise<RollbackPlan> {
  const host = run.hosts.find((h) => h.host === hostName);
  if (!host) throw new PlumbError('E_NOT_IN_LEDGER', `run ${run.id} did not touch host ${hostName}`, { hint: `plumb history ${hostName} lists the runs that did` });
  const superseding = (opts.later ?? []).filter((r) => r.id > run.id && r.hosts.some((h) => h.host === hostName && h.status === 'changed'));
  if (superseding.length && !opts.force) {
    throw new PlumbError('E_ROLLBACK_SUPERSEDED', `a later run changed ${hostName} after ${run.id}: ${superseding.map((r) => r.id).join(', ')}`, {
      hint: `roll back the later run${superseding.length > 1 ? 's' : ''} first (newest first), or pass --force to restore ${run.id}'s backup over them`,
    });
  }
  const changed = Object.entries(host.packagesBefore)
    .map(([name, to]) => ({ name, to, from: installedVersion(facts.packages?.[name]) }))
    .filter((p) => p.to !== p.from);
  // A previous version can only come back if the internal mirror still carries it.
  const wanted = changed.filter((p) => p.to !== null);
  const available = new Set<string>();
  if (wanted.length) {
    const cmd = `apt-get -q update >/dev/null 2>&1; for pv in ${wanted.map((p) => shellQuote(`${p.name}=${p.to}`)).join(' ')}; do if apt-cache show "$pv" >/dev/null 2>&1; then echo "$pv"; fi; done`;
    const r = await t.exec(cmd, { privileged: true });
    for (const l of r.stdout.toString('utf8').split('\n')) if (l) available.add(l.trim());
  }
  return {
    run,
    host,
    restoreFiles: Boolean(host.backup),
    packages: changed.map((p) => ({ ...p, available: p.to === null || available.has(`${p.name}=${p.to}`) })),
  };
}

/** Carries out a rollback as a recorded run of its own (kind rollback, rollbackOf the original run). */
export async function executeRollback(o: { repoRoot: string; model: Model; host: HostEntry; transport: Transport; facts: Facts; plan: RollbackPlan; ledger: LedgerPort }): Promise<{ record: RunRecord; ledgerCommit: string }> {
  const now = () => new Date().toISOString();
  const runId = o.ledger.newRunId(new Date());
  const journal = await o.ledger.begin(o.repoRoot, {
    t: 'run-start',
    at: now(),
    run: { id: runId, kind: 'rollback', startedAt: now(), commit: o.plan.run.commit, rollbackOf: o.plan.run.id, approvals: [], operator: { user: userInfo().username, hostname: hostname() } },
  });
  const platform = platformFor(o.facts.os?.id);
  const backupId = o.plan.host.backup?.slice(BACKUP_ROOT.length + 1);
  const origin = { kind: 'baseline' as const, name: `rollback of ${o.plan.run.id}` };
  const actions: Array<Omit<ActionRecord, 'result'>> = [];
  if (o.plan.restoreFiles && backupId) {
    actions.push({ id: `${o.host.name}#1`, type: 'file-write', params: { restoreFrom: o.plan.host.backup }, finding: `rollback:${o.plan.run.id}`, findingKind: 'file-content', origin, source: `ledger run ${o.plan.run.id}`, before: 'after the run', after: 'before the run' });
  }
  for (const p of o.plan.packages) {
    actions.push({
      id: `${o.host.name}#${actions.length + 1}`,
      type: p.to === null ? 'package-remove' : 'package-install',
      params: p.to === null ? { name: p.name } : { name: p.name, version: p.to },
      finding: `rollback:${p.name}`,
      findingKind: 'package-version',
      origin,
      source: `ledger run ${o.plan.run.id}`,
      before: p.from,
      after: p.to,
    });
  }
  journal.append({ t: 'host-start', at: now(), host: { host: o.host.name, system: o.host.system, ring: o.host.ring, packagesBefore: Object.fromEntries(o.plan.packages.map((p) => [p.name, p.from])), factsDigestBefore: factsDigest(o.facts), startedAt: now(), actions } });
  let failed: { code: string; message: string } | undefined;
  const applied: string[] = [];
  const exec = async (cmd: string, what: string) => {
    const r = await o.transport.exec(cmd, { privileged: true });
    if (r.code !== 0) throw new PlumbError('E_ACTION_FAILED', `${what}: exit ${r.code}: ${r.stderr.toString('utf8').trim().split('\n').slice(-2).join(' | ')}`);
  };
  try {
    const fileAction = actions.find((a) => a.type === 'file-write');
    if (fileAction && backupId) {
      journal.append({ t: 'action-start', at: now(), host: o.host.name, action: fileAction.id });
      await exec(restoreCommand(backupId), 'restore files');
      journal.append({ t: 'action-applied', at: now(), host: o.host.name, action: fileAction.id });
      applied.push(fileAction.id);
    }
    const pkgActions = actions.filter((a) => a.type !== 'file-write');
    const doable = pkgActions.filter((a) => o.plan.packages.find((p) => p.name === a.params.name)?.available);
    for (const a of pkgActions.filter((x) => !doable.includes(x))) journal.append({ t: 'action-skipped', at: now(), host: o.host.name, action: a.id, reason: `${String(a.params.name)} ${String(a.params.version)} is no longer on the mirror` });
    if (doable.length && platform) {
      for (const a of doable) journal.append({ t: 'action-start', at: now(), host: o.host.name, action: a.id });
      await exec(platform.transaction({ install: doable.filter((a) => a.type === 'package-install').map((a) => ({ name: String(a.params.name), version: String(a.params.version) })), remove: doable.filter((a) => a.type === 'package-remove').map((a) => String(a.params.name)) }), 'restore packages');
      for (const a of doable) {
        journal.append({ t: 'action-applied', at: now(), host: o.host.name, action: a.id });
        applied.push(a.id);
      }
    }
  } catch (e) {
    failed = { code: (e as PlumbError).code ?? 'E_ACTION_FAILED', message: (e as Error).message };
    for (const a of actions) if (!applied.includes(a.id)) journal.append({ t: 'action-failed', at: now(), host: o.host.name, action: a.id, error: failed });
  }
  // Verify against what the ledger says the host had before the original run.
  const after = await gatherFacts(o.transport, requestFor(o.model, o.host), o.host.name);
  const differing = backupId ? (await o.transport.exec(compareBackupCommand(backupId), { privileged: true })).stdout.toString('utf8').trim() : '';
  const verified = applied.filter((id) => {
    const a = actions.find((x) => x.id === id)!;
    if (a.type === 'file-write') return differing === '';
    const v = after.packages?.[String(a.params.name)];
    return a.type === 'package-remove' ? !isInstalled(v) : isInstalled(v) && v?.version === a.params.version;
  });
  journal.append({ t: 'verified', at: now(), host: o.host.name, verified, unverified: applied.filter((id) => !verified.includes(id)), factsDigestAfter: factsDigest(after) });
  journal.append({ t: 'host-end', at: now(), host: o.host.name, status: failed ? 'failed' : 'changed', error: failed });
  const { record, commit } = await journal.finish(failed ? 'failed' : 'completed');
  return { record, ledgerCommit: commit };
}
