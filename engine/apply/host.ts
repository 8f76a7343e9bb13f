import { ActionFailed, isTransportLoss, PlumbError, UnsafePath } from '../errors/index.js';
import { diffHost } from '../diff/index.js';
import { factsDigest } from '../facts/digest.js';
import { gatherFacts } from '../facts/gather.js';
import { installedVersion } from '../facts/package-state.js';
import { requestFor } from '../facts/request.js';
import type { Facts } from '../facts/types.js';
import type { JournalEvent, HostRecord, ActionRecord } from '../ledger/types.js';
import type { HostEntry, Model } from '../model/types.js';
import type { PackageChange, PackagePlatform } from '../platform/index.js';
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
  MODPROBE_FILE,
  sysctlCommand,
  writeFileCommand,
  type BackupItem,
} from './host-commands.js';
import { startTxn, TXN_ROOT, txnName, waitTxn, type TxnResult } from './host-side.js';
import { settle } from './settle.js';
import { secretOf } from './secret-values.js';
import { disableModule, setKey } from './settings-edit.js';
import type { StopState } from './stop.js';

export interface HostRun {
  runId: string;
  model: Model;
  host: HostEntry;
  /** Facts gathered just before, the "before" of every package and the base of the plan's digest. */
  facts: Facts;
  /** The host's connection now; replaced by `reconnect` after a cut. */
  transport: Transport;
  /** A new connection after the old one broke, tried for a bounded time; throws when the host stays unreachable. */
  reconnect: () => Promise<Transport>;
  platform: PackagePlatform;
  journal: { append(e: JournalEvent): void };
  /** Uploads the local .deb artifacts the actions install and checks them on the host: name=version → file there. */
  upload?: (t: Transport) => Promise<Map<string, string>>;
  now?: () => Date;
  stop?: StopState;
  /** Seconds to wait for package-manager locks other processes hold. */
  lockWaitSeconds?: number;
}

export interface HostOutcome {
  status: HostRecord['status'];
  verified: string[];
  unverified: string[];
  /** Whether the host was changed by this run (it was, or it may have been): the host lock records it. */
  changed: boolean;
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
    if (a.type === 'sysctl-set') for (const f of [SYSCTL_FILE, ...(a.files ?? [])]) add(f, undefined, true);
    if (a.type === 'kernel-module-disable') add(MODPROBE_FILE, undefined, true);
  }
  return [...items.values()].sort((x, y) => (x.path < y.path ? -1 : 1));
}

/** The run stopped waiting (a second SIGINT/SIGTERM): what runs on the host goes on without us. */
export class Abandoned extends PlumbError {
  constructor(host: string, what: string, reason: string) {
    super('E_ABANDONED', `${host}: stopped waiting for ${what} (${reason}); the host finishes it on its own and the next contact records the result`, { data: { host } });
  }
}

/**
 * Carries out one host's approved actions in plan order: back up what will change, run the package actions as one
 * transaction under the host's supervisor (it outlives a cut or a killed controller, and records its exit status
 * and output on the host), then files, settings, sysctl and services.
 *
 * The first failure stops the host: the remaining actions are skipped and the host is restored. A broken connection
 * is not a failure of the change: plumb reconnects (for a bounded time), reads the transaction's result from the
 * host, and goes on or stops accordingly. Whatever the outcome, the host is examined again and the record says what
 * is on it: verified actions on success; otherwise a settlement naming, per action, whether the host shows the state
 * after it, before it, something else, or could not be examined (and why). "Restored" is only written when the host
 * is seen back in the state before.
 */
export async function applyHost(hr: HostRun, actions: PlannedAction[], skipped: Array<{ action: PlannedAction; reason: string }> = []): Promise<HostOutcome> {
  const { journal, host } = hr;
  const touched = [...new Set(actions.flatMap((a) => (a.type === 'package-install' || a.type === 'package-remove' ? [a.name] : [])))];
  const packagesBefore = Object.fromEntries(touched.map((n) => [n, installedVersion(hr.facts.packages?.[n])]));
  const backup = pathsToBackUp(actions).length ? `${hr.runId}` : undefined;
  const records = [...actions, ...skipped.map((s) => s.action)].map((a) => actionRecord(a));
  journal.append({
    t: 'host-start',
    at: iso(hr),
    host: { host: host.name, system: host.system, ring: host.ring, packagesBefore, factsDigestBefore: factsDigest(hr.facts), backup: backup ? `/var/lib/plumbline/backups/${backup}` : undefined, startedAt: iso(hr), actions: records },
  });
  for (const s of skipped) journal.append({ t: 'action-skipped', at: iso(hr), host: host.name, action: s.action.id, reason: s.reason });

  const applied: string[] = [];
  const started = new Set<string>();
  let failure: PlumbError | undefined;
  let lost: PlumbError | undefined;
  let pending = [...actions];
  const skipRest = (reason: string) => {
    for (const a of pending) if (!started.has(a.id)) journal.append({ t: 'action-skipped', at: iso(hr), host: host.name, action: a.id, reason });
    pending = [];
  };
  let artifactFiles = new Map<string, string>();
  try {
    if (hr.upload) artifactFiles = await hr.upload(hr.transport);
    const contents = new Map<string, string | null>();
    const items = backupItems(actions);
    if (items.length) {
      const out = await run(hr, backupCommand(hr.runId), 'backup', backupInput(items));
      for (const [p, c] of parseBackupOutput(out)) contents.set(p, c);
      journal.append({ t: 'backup', at: iso(hr), host: host.name, backup: `/var/lib/plumbline/backups/${hr.runId}` });
    }

    const pkg = actions.filter(isPackageAction);
    if (pkg.length && !stopping(hr, skipRest)) {
      for (const a of pkg) {
        journal.append({ t: 'action-start', at: iso(hr), host: host.name, action: a.id });
        started.add(a.id);
      }
      const change: PackageChange = {
        install: pkg.flatMap((a) => (a.type === 'package-install' ? [{ name: a.name, version: a.version, file: a.version ? artifactFiles.get(`${a.name}=${a.version}`) : undefined }] : [])),
        remove: pkg.flatMap((a) => (a.type === 'package-remove' ? [a.name] : [])),
        repair: pkg.flatMap((a) => (a.type === 'package-repair' ? [a.name] : [])),
      };
      await supervised(hr, 'packages', hr.platform.transaction(change, { lockWaitSeconds: hr.lockWaitSeconds }), `package transaction (${pkg.map((a) => a.id).join(', ')})`);
      for (const a of pkg) {
        journal.append({ t: 'action-applied', at: iso(hr), host: host.name, action: a.id });
        applied.push(a.id);
      }
      pending = pending.filter((a) => !isPackageAction(a));
    }

    const reload = new Set<string>();
    while (pending.length) {
      if (stopping(hr, skipRest)) break;
      const a = pending[0]!;
      if (a.type === 'reboot-notify') {
        journal.append({ t: 'action-skipped', at: iso(hr), host: host.name, action: a.id, reason: 'a pending reboot is reported, never performed' });
        pending.shift();
        continue;
      }
      journal.append({ t: 'action-start', at: iso(hr), host: host.name, action: a.id });
      started.add(a.id);
      await runAction(hr, a, contents);
      if (a.type === 'file-write' || a.type === 'setting-set') {
        const unit = RELOAD_AFTER[a.type === 'file-write' ? a.path : a.file];
        if (unit) reload.add(unit);
      }
      journal.append({ t: 'action-applied', at: iso(hr), host: host.name, action: a.id });
      applied.push(a.id);
      pending.shift();
    }
    for (const unit of reload) await run(hr, reloadCommand(unit), `reload ${unit}`);
  } catch (e) {
    const err = e instanceof PlumbError ? e : new PlumbError('E_ACTION_FAILED', (e as Error)?.message ?? String(e));
    if (uncertain(err)) lost = err;
    else failure = err;
    const inFlight = actions.filter((a) => started.has(a.id) && !applied.includes(a.id));
    for (const a of inFlight) journal.append({ t: 'action-failed', at: iso(hr), host: host.name, action: a.id, error: { code: err.code, message: err.message } });
    pending = pending.filter((a) => !started.has(a.id));
    skipRest(lost ? 'the connection to the host was lost before this action started' : 'an earlier action on this host failed');
  }

  if (!failure && !lost) {
    // Verify: the facts again, the diff again; an action is verified only when its finding is gone.
    try {
      const after = await regather(hr, requestFor(hr.model, host));
      const diff = diffHost(hr.model, host, after);
      const open = new Set([...diff.findings, ...diff.suppressed].map((f) => findingId(f.key, f.origin)));
      const verified: string[] = [];
      const unverified: string[] = [];
      for (const a of actions) {
        if (!applied.includes(a.id)) continue;
        (open.has(findingId(a.finding, a.origin)) ? unverified : verified).push(a.id);
      }
      const packagesAfter = Object.fromEntries(touched.map((n) => [n, installedVersion(after.packages?.[n])]));
      journal.append({ t: 'verified', at: iso(hr), host: host.name, verified, unverified, packagesAfter, factsDigestAfter: factsDigest(after) });
      journal.append({ t: 'host-end', at: iso(hr), host: host.name, status: applied.length ? 'changed' : 'unchanged' });
      return { status: applied.length ? 'changed' : 'unchanged', verified, unverified, changed: applied.length > 0, facts: after };
    } catch (e) {
      lost = e instanceof PlumbError ? e : new PlumbError('E_ACTION_FAILED', String(e));
    }
  }

  // Something went wrong. A change that failed is undone; a connection that broke is not a failed change: the host
  // is left as it is and examined for what happened.
  let restoreError: string | null = null;
  if (failure && applied.length + started.size > 0) {
    try {
      restoreError = await restoreHost(hr, actions, packagesBefore);
    } catch (e) {
      if (uncertain(e)) lost = e as PlumbError;
      restoreError = (e as Error).message;
    }
  }
  const attempted = records.filter((a) => started.has(a.id));
  let facts: Facts | undefined;
  let why: string | undefined;
  if (attempted.length) {
    if (hr.stop?.level === 'abort') why = `the run was stopped (${hr.stop.reason}) before the host could be examined again`;
    else {
      try {
        facts = await regather(hr, requestFor(hr.model, host));
      } catch (e) {
        why = `the host could not be examined again: ${(e as Error).message}`;
      }
    }
  }
  const s = settle(attempted, facts, { at: iso(hr), why, restoreTried: Boolean(failure) });
  if (attempted.length) journal.append({ t: 'settled', at: iso(hr), host: host.name, outcome: s.outcome, actions: s.actions });
  const cause = failure ?? lost!;
  const message = [cause.message, restoreError ? `restoring also failed: ${restoreError}` : '', lost && failure && lost.message !== restoreError ? `then: ${lost.message}` : ''].filter(Boolean).join('; ');
  const error = { code: cause.code, message };
  // "restored" only when something had been attempted and the host was seen back in the state before.
  const restored = attempted.length > 0 && (s.outcome.state === 'restored' || s.outcome.state === 'unchanged');
  const status: HostRecord['status'] = failure && !restoreError && restored ? 'restored' : 'failed';
  journal.append({ t: 'host-end', at: iso(hr), host: host.name, status, error });
  return { status, verified: [], unverified: [], error, changed: attempted.length > 0 && s.outcome.state !== 'unchanged' && s.outcome.state !== 'restored', facts };
}

/**
 * Errors after which what happened on the host is not known from here: the connection broke or timed out, the run
 * stopped waiting, the host's lock went to another run. They are not a failed change: nothing is restored blindly.
 */
function uncertain(e: unknown): boolean {
  const code = (e as PlumbError | null)?.code;
  return isTransportLoss(e) || code === 'E_ABANDONED' || code === 'E_HOST_LOCK_LOST';
}

/** A first signal: no new action starts; the ones not started are skipped, and what was done is verified. */
function stopping(hr: HostRun, skipRest: (reason: string) => void): boolean {
  if (!hr.stop?.level) return false;
  skipRest(`the run was stopped (${hr.stop.reason}) before this action started`);
  return true;
}

/**
 * One command on the host; a non-zero exit is the action failing. Its output is never quoted in errors (a backup
 * prints file contents); stderr's tail is, and a refusal of safe-path.pl becomes UnsafePath with its reason.
 */
async function run(hr: HostRun, command: string, what: string, stdin?: string | Buffer, path?: string): Promise<Buffer> {
  const t = hr.transport;
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
 * Runs a package transaction under the host's supervisor and waits for its exit status. A cut while waiting is
 * survived: reconnect, read the status from the host-side journal. A second stop signal abandons the wait.
 */
async function supervised(hr: HostRun, step: 'packages' | 'restore', command: string, what: string): Promise<TxnResult> {
  const name = txnName(hr.runId, step);
  const dir = `${TXN_ROOT}/${name}`;
  await startTxnOnce(hr, name, command);
  hr.journal.append({ t: 'txn', at: iso(hr), host: hr.host.name, txn: { step, dir, startedAt: iso(hr) } });
  const result = await waitReconnecting(hr, name, what);
  hr.journal.append({ t: 'txn', at: iso(hr), host: hr.host.name, txn: { step, dir, startedAt: iso(hr), ...(result.state === 'done' ? { code: result.code } : {}) } });
  if (result.state !== 'done') throw new PlumbError('E_EFFECT_UNKNOWN', `${hr.host.name}: ${what}: its supervisor on the host ended without an exit status (${result.state}: the host rebooted, or it was killed)`, { data: { host: hr.host.name } });
  if (result.code !== 0) {
    const lines = hr.platform.explainFailure(result.log);
    const detail = lines.length ? lines.join(' | ') : result.log.trim().split('\n').slice(-3).join(' | ');
    throw new ActionFailed(hr.host.name, what, `exit status ${result.code}${detail ? `: ${detail.slice(0, 1500)}` : ''}`);
  }
  return result;
}

async function startTxnOnce(hr: HostRun, name: string, command: string): Promise<void> {
  try {
    await startTxn(hr.transport, name, command);
  } catch (e) {
    if (!isTransportLoss(e)) throw e;
    // Whether it started is unknown: a new connection, then the wait tells (never-started, or its status).
    hr.transport = await hr.reconnect();
  }
}

async function waitReconnecting(hr: HostRun, name: string, what: string): Promise<TxnResult> {
  for (;;) {
    if (hr.stop?.level === 'abort') throw new Abandoned(hr.host.name, what, `the run was stopped: ${hr.stop.reason}`);
    try {
      const wait = waitTxn(hr.transport, name);
      const result = hr.stop ? await hr.stop.race(wait, () => new Abandoned(hr.host.name, what, `the run was stopped: ${hr.stop!.reason}`)) : await wait;
      if (result.state === 'never-started') throw new PlumbError('E_EFFECT_UNKNOWN', `${hr.host.name}: ${what} never started on the host`);
      return result;
    } catch (e) {
      if (!isTransportLoss(e)) throw e;
      hr.transport = await hr.reconnect();
    }
  }
}

/** The facts again, over a new connection if the old one broke. */
async function regather(hr: HostRun, request: ReturnType<typeof requestFor>): Promise<Facts> {
  try {
    return await gatherFacts(hr.transport, request, hr.host.name);
  } catch (e) {
    if (!isTransportLoss(e) || hr.stop?.level === 'abort') throw e;
    hr.transport = await hr.reconnect();
    return gatherFacts(hr.transport, request, hr.host.name);
  }
}

/** A finding as the plan names it, tied to the requirement's origin: the same difference may be demanded twice. */
export function findingId(key: string, origin: PlannedAction['origin']): string {
  return `${key}\u0000${origin.kind === 'remediation' ? origin.id : ''}`;
}

async function runAction(hr: HostRun, a: PlannedAction, contents: Map<string, string | null>): Promise<void> {
  switch (a.type) {
    case 'file-write': {
      // A secret is not in the plan: it comes from the desired state, checked against the plan's sha256.
      const content = a.sensitive || a.content === undefined ? secretOf(hr.model, hr.host, hr.facts, a) : a.content;
      await run(hr, writeFileCommand(a.path, a), `${a.id} write ${a.path}`, content, a.path);
      contents.set(a.path, content);
      return;
    }
    case 'file-attributes':
      await run(hr, attributesCommand(a.path, a), `${a.id} attributes of ${a.path}`, undefined, a.path);
      return;
    case 'setting-set': {
      const next = setKey(contents.get(a.file) ?? '', a.syntax, a.key, a.sensitive ? secretOf(hr.model, hr.host, hr.facts, a) : a.value);
      await run(hr, writeFileCommand(a.file, {}), `${a.id} set ${a.key} in ${a.file}`, next, a.file);
      contents.set(a.file, next);
      return;
    }
    case 'sysctl-set': {
      if (!a.persistOnly) await run(hr, sysctlCommand(a.key, a.value), `${a.id} sysctl ${a.key}`);
      const next = setKey(contents.get(SYSCTL_FILE) ?? '# managed by plumbline\n', 'equals', a.key, a.value);
      await run(hr, writeFileCommand(SYSCTL_FILE, { mode: '0644', owner: 'root', group: 'root' }), `${a.id} persist ${a.key}`, next, SYSCTL_FILE);
      contents.set(SYSCTL_FILE, next);
      // Lines elsewhere in /etc that set another value would win or contradict at boot: rewritten in place.
      for (const f of a.files ?? []) {
        const edited = setKey(contents.get(f) ?? '', 'equals', a.key, a.value);
        await run(hr, writeFileCommand(f, {}), `${a.id} persist ${a.key} in ${f}`, edited, f);
        contents.set(f, edited);
      }
      return;
    }
    case 'kernel-module-disable': {
      const next = disableModule(contents.get(MODPROBE_FILE) ?? '# managed by plumbline: kernel modules that must not load\n', a.name);
      await run(hr, writeFileCommand(MODPROBE_FILE, { mode: '0644', owner: 'root', group: 'root' }), `${a.id} disable module ${a.name}`, next, MODPROBE_FILE);
      contents.set(MODPROBE_FILE, next);
      return;
    }
    case 'service-enable':
    case 'service-disable':
    case 'service-mask':
      await run(hr, serviceCommand(a.type.slice('service-'.length) as 'enable' | 'disable' | 'mask', a.unit), `${a.id} ${a.type} ${a.unit}`);
      return;
    default:
      return;
  }
}

/**
 * Puts a host's files back from this run's backup and its packages back to the versions before the run (the
 * package part under the supervisor, like the transaction). Returns what could not be done, or null. Whether it
 * worked is decided by examining the host afterwards, never by this return value alone.
 */
export async function restoreHost(hr: HostRun, actions: PlannedAction[], packagesBefore: Record<string, string | null>): Promise<string | null> {
  const problems: string[] = [];
  if (pathsToBackUp(actions).length) {
    try {
      await run(hr, restoreCommand(hr.runId), 'restore files');
    } catch (e) {
      if (uncertain(e)) throw e;
      problems.push((e as Error).message);
    }
  }
  const names = Object.keys(packagesBefore);
  if (names.length) {
    try {
      const now = hr.platform.parseVersions((await run(hr, hr.platform.queryVersions(names), 'query package versions')).toString('utf8'));
      const change = hr.platform.restore(packagesBefore, now);
      if (change.install.length || change.remove.length) await supervised(hr, 'restore', hr.platform.transaction(change, { lockWaitSeconds: hr.lockWaitSeconds }), 'restore packages');
    } catch (e) {
      if (uncertain(e)) throw e;
      problems.push((e as Error).message);
    }
  }
  return problems.length ? problems.join('; ') : null;
}

/** The ledger's view of a planned action: parameters without file contents (they are in git at the commit). */
export function actionRecord(a: PlannedAction): Omit<ActionRecord, 'result'> {
  const { id, type, finding, findingKind, origin, source, approval, before, after, reason: _reason, provenance: _p, ...rest } = a as PlannedAction & Record<string, unknown>;
  const params = { ...rest } as Record<string, unknown>;
  delete params.content;
  return { id, type, params, finding, findingKind, origin, source, approval, before, after };
}
