import { ActionFailed, PlumbError, UnsafePath } from '../errors/index.js';
import { diffHost } from '../diff/index.js';
import { factsDigest } from '../facts/digest.js';
import { gatherFacts } from '../facts/gather.js';
import { requestFor } from '../facts/request.js';
import type { Facts } from '../facts/types.js';
import type { JournalEvent, HostRecord } from '../ledger/types.js';
import type { HostEntry, Model } from '../model/types.js';
import type { PackagePlatform } from '../platform/index.js';
import { isPackageAction, type PlannedAction } from '../plan/action.js';
import type { Transport } from '../transport/index.js';
import {
  attributesCommand,
  backupCommand,
  backupInput,
  parseBackupOutput,
  refusalOf,
  reloadCommand,
  RELOAD_AFTER,
  restoreCommand,
  serviceCommand,
  SYSCTL_FILE,
  sysctlCommand,
  writeFileCommand,
} from './host-commands.js';
import { setKey } from './settings-edit.js';
import type { BackupItem } from './host-commands.js';

export interface HostRun {
  runId: string;
  model: Model;
  host: HostEntry;
  /** Facts gathered just before, the "before" of every package and the base of the plan's digest. */
  facts: Facts;
  transport: Transport;
  platform: PackagePlatform;
  journal: { append(e: JournalEvent): void };
  /** Local .deb artifacts already uploaded and checked on the host, by package name and version. */
  artifactFiles?: Map<string, string>;
  now?: () => Date;
}

export interface HostOutcome {
  status: HostRecord['status'];
  verified: string[];
  unverified: string[];
  facts?: Facts;
  error?: { code: string; message: string };
}

const iso = (run: HostRun) => (run.now ? run.now() : new Date()).toISOString();

/** Paths whose current content and attributes must be saved before any action touches them. */
export function pathsToBackUp(actions: readonly PlannedAction[]): string[] {
  return backupItems(actions).map((i) => i.path);
}

/** The backup's paths with the owner each declares (it may own the directories on the way) and whether its text is edited. */
function backupItems(actions: readonly PlannedAction[]): BackupItem[] {
  const items = new Map<string, BackupItem>();
  const add = (path: string, owner: string | undefined, content: boolean) => {
    const i = items.get(path) ?? { path, content: false };
    i.owner ??= owner;
    i.content ||= content;
    items.set(path, i);
  };
  for (const a of actions) {
    if (a.type === 'file-write' || a.type === 'file-attributes') add(a.path, a.owner, false);
    if (a.type === 'setting-set') add(a.file, undefined, true);
    if (a.type === 'sysctl-set') add(SYSCTL_FILE, undefined, true);
  }
  return [...items.values()].sort((x, y) => (x.path < y.path ? -1 : 1));
}

/**
 * One command on the host. Its output is never quoted in errors (a backup prints file contents); stderr's tail is, and
 * a refusal of safe-path.pl becomes UnsafePath with its reason.
 */
async function run(t: Transport, command: string, what: string, stdin?: string | Buffer, path?: string): Promise<Buffer> {
  const r = await t.exec(command, { privileged: true, stdin });
  if (r.code !== 0) {
    const stderr = r.stderr.toString('utf8');
    const refused = refusalOf(r.code, stderr);
    if (refused !== undefined) throw new UnsafePath(t.host, path ?? what, refused);
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    throw new ActionFailed(t.host, what, `exit status ${r.code}${tail ? `: ${tail.slice(0, 400)}` : ''}`);
  }
  return r.stdout;
}

/**
 * Carries out one host's approved actions in plan order: back up what will change, run the package actions as
 * one transaction, then files, settings, sysctl and services. The first failure stops the host: its remaining
 * actions are skipped, its files and packages are put back, and everything is journaled as it happens.
 * Then the host's facts are gathered again and each action counts as verified only if its finding is gone.
 */
export async function applyHost(hr: HostRun, actions: PlannedAction[], skipped: Array<{ action: PlannedAction; reason: string }> = []): Promise<HostOutcome> {
  const { transport: t, journal, host } = hr;
  const touched = [...new Set(actions.flatMap((a) => (isPackageAction(a) ? [a.name] : [])))];
  const packagesBefore = Object.fromEntries(touched.map((n) => [n, hr.facts.packages?.[n]?.status === 'installed' ? hr.facts.packages[n]!.version : null]));
  const backup = pathsToBackUp(actions).length ? `${hr.runId}` : undefined;
  journal.append({
    t: 'host-start',
    at: iso(hr),
    host: {
      host: host.name,
      system: host.system,
      ring: host.ring,
      packagesBefore,
      factsDigestBefore: factsDigest(hr.facts),
      backup: backup ? `/var/lib/plumbline/backups/${backup}` : undefined,
      startedAt: iso(hr),
      actions: [...actions, ...skipped.map((s) => s.action)].map((a) => actionRecord(a)),
    },
  });
  for (const s of skipped) journal.append({ t: 'action-skipped', at: iso(hr), host: host.name, action: s.action.id, reason: s.reason });

  const applied: string[] = [];
  let failure: PlumbError | undefined;
  const pending = [...actions];
  try {
    const contents = new Map<string, string | null>();
    const items = backupItems(actions);
    if (items.length) {
      const out = await run(t, backupCommand(hr.runId), 'backup', backupInput(items));
      for (const [p, c] of parseBackupOutput(out)) contents.set(p, c);
      journal.append({ t: 'backup', at: iso(hr), host: host.name, backup: `/var/lib/plumbline/backups/${hr.runId}` });
    }

    const pkg = actions.filter(isPackageAction);
    if (pkg.length) {
      for (const a of pkg) journal.append({ t: 'action-start', at: iso(hr), host: host.name, action: a.id });
      const change = {
        install: pkg.flatMap((a) => (a.type === 'package-install' ? [{ name: a.name, version: a.version, file: a.version ? hr.artifactFiles?.get(`${a.name}=${a.version}`) : undefined }] : [])),
        remove: pkg.flatMap((a) => (a.type === 'package-remove' ? [a.name] : [])),
      };
      await run(t, hr.platform.transaction(change), `package transaction (${pkg.map((a) => a.id).join(', ')})`);
      for (const a of pkg) {
        journal.append({ t: 'action-applied', at: iso(hr), host: host.name, action: a.id });
        applied.push(a.id);
      }
      pending.splice(0, pending.length, ...pending.filter((a) => !isPackageAction(a)));
    }

    const reload = new Set<string>();
    while (pending.length) {
      const a = pending[0]!;
      if (a.type === 'reboot-notify') {
        journal.append({ t: 'action-skipped', at: iso(hr), host: host.name, action: a.id, reason: 'a pending reboot is reported, never performed' });
        pending.shift();
        continue;
      }
      journal.append({ t: 'action-start', at: iso(hr), host: host.name, action: a.id });
      await runAction(t, a, contents);
      if (a.type === 'file-write' || a.type === 'setting-set') {
        const unit = RELOAD_AFTER[a.type === 'file-write' ? a.path : a.file];
        if (unit) reload.add(unit);
      }
      journal.append({ t: 'action-applied', at: iso(hr), host: host.name, action: a.id });
      applied.push(a.id);
      pending.shift();
    }
    for (const unit of reload) await run(t, reloadCommand(unit), `reload ${unit}`);
  } catch (e) {
    failure = e instanceof PlumbError ? e : new PlumbError('E_ACTION_FAILED', (e as Error)?.message ?? String(e));
    const failed = pending[0] ?? actions.find((a) => !applied.includes(a.id));
    const failedIds = isPackageAction(failed ?? { type: 'reboot-notify' }) ? actions.filter((a) => isPackageAction(a) && !applied.includes(a.id)).map((a) => a.id) : failed ? [failed.id] : [];
    for (const id of failedIds) journal.append({ t: 'action-failed', at: iso(hr), host: host.name, action: id, error: { code: failure.code, message: failure.message } });
    for (const a of actions) {
      if (!applied.includes(a.id) && !failedIds.includes(a.id)) journal.append({ t: 'action-skipped', at: iso(hr), host: host.name, action: a.id, reason: 'an earlier action on this host failed' });
    }
    const restoreError = await restoreHost(hr, actions, packagesBefore);
    journal.append({ t: 'host-restored', at: iso(hr), host: host.name, actions: applied });
    const error = { code: failure.code, message: restoreError ? `${failure.message}; restoring also failed: ${restoreError}` : failure.message };
    journal.append({ t: 'host-end', at: iso(hr), host: host.name, status: restoreError ? 'failed' : 'restored', error });
    return { status: restoreError ? 'failed' : 'restored', verified: [], unverified: [], error };
  }

  // Verify: the facts again, the diff again; an action is verified only when its finding is gone.
  const after = await gatherFacts(t, requestFor(hr.model, host), host.name);
  const diff = diffHost(hr.model, host, after);
  const open = new Set([...diff.findings, ...diff.suppressed].map((f) => findingId(f.key, f.origin)));
  const verified: string[] = [];
  const unverified: string[] = [];
  for (const a of actions) {
    if (!applied.includes(a.id)) continue;
    (open.has(findingId(a.finding, a.origin)) ? unverified : verified).push(a.id);
  }
  const packagesAfter = Object.fromEntries(touched.map((n) => [n, after.packages?.[n]?.status === 'installed' ? after.packages[n]!.version : null]));
  journal.append({ t: 'verified', at: iso(hr), host: host.name, verified, unverified, packagesAfter, factsDigestAfter: factsDigest(after) });
  journal.append({ t: 'host-end', at: iso(hr), host: host.name, status: applied.length ? 'changed' : 'unchanged' });
  return { status: applied.length ? 'changed' : 'unchanged', verified, unverified, facts: after };
}

/** A finding as the plan names it, tied to the requirement's origin: the same difference may be demanded twice. */
export function findingId(key: string, origin: PlannedAction['origin']): string {
  return `${key}\u0000${origin.kind === 'remediation' ? origin.id : ''}`;
}

async function runAction(t: Transport, a: PlannedAction, contents: Map<string, string | null>): Promise<void> {
  switch (a.type) {
    case 'file-write':
      await run(t, writeFileCommand(a.path, a), `${a.id} write ${a.path}`, a.content, a.path);
      contents.set(a.path, a.content);
      return;
    case 'file-attributes':
      await run(t, attributesCommand(a.path, a), `${a.id} attributes of ${a.path}`, undefined, a.path);
      return;
    case 'setting-set': {
      const next = setKey(contents.get(a.file) ?? '', a.syntax, a.key, a.value);
      await run(t, writeFileCommand(a.file, {}), `${a.id} set ${a.key} in ${a.file}`, next, a.file);
      contents.set(a.file, next);
      return;
    }
    case 'sysctl-set': {
      await run(t, sysctlCommand(a.key, a.value), `${a.id} sysctl ${a.key}`);
      const next = setKey(contents.get(SYSCTL_FILE) ?? '# managed by plumbline\n', 'equals', a.key, a.value);
      await run(t, writeFileCommand(SYSCTL_FILE, { mode: '0644', owner: 'root', group: 'root' }), `${a.id} persist ${a.key}`, next, SYSCTL_FILE);
      contents.set(SYSCTL_FILE, next);
      return;
    }
    case 'service-enable':
    case 'service-disable':
    case 'service-mask':
      await run(t, serviceCommand(a.type.slice('service-'.length) as 'enable' | 'disable' | 'mask', a.unit), `${a.id} ${a.type} ${a.unit}`);
      return;
    default:
      return;
  }
}

/** Puts a host's files back from this run's backup and its packages back to the versions before the run. */
export async function restoreHost(hr: HostRun, actions: PlannedAction[], packagesBefore: Record<string, string | null>): Promise<string | null> {
  const problems: string[] = [];
  if (pathsToBackUp(actions).length) {
    try {
      await run(hr.transport, restoreCommand(hr.runId), 'restore files');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const names = Object.keys(packagesBefore);
  if (names.length) {
    try {
      const now = hr.platform.parseVersions((await run(hr.transport, hr.platform.queryVersions(names), 'query package versions')).toString('utf8'));
      const change = hr.platform.restore(packagesBefore, now);
      if (change.install.length || change.remove.length) await run(hr.transport, hr.platform.transaction(change), 'restore packages');
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return problems.length ? problems.join('; ') : null;
}

/** The ledger's view of a planned action: parameters without file contents (they are in git at the commit). */
export function actionRecord(a: PlannedAction): Omit<import('../ledger/types.js').ActionRecord, 'result'> {
  const { id, type, finding, findingKind, origin, source, approval, before, after, reason: _reason, provenance: _p, ...rest } = a as PlannedAction & Record<string, unknown>;
  const params = { ...rest } as Record<string, unknown>;
  delete params.content;
  return { id, type, params, finding, findingKind, origin, source, approval, before, after };
}
