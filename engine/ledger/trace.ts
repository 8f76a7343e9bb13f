import type { ActionRecord, RunRecord } from './types.js';

/** One action on one host, with the run around it: the answer to "who changed this, when, on whose approval". */
export interface TraceEntry {
  run: Pick<RunRecord, 'id' | 'kind' | 'status' | 'commit' | 'ref' | 'recovered' | 'operator'>;
  host: string;
  /** When the action happened: applied, else started, else when its host or run started. */
  at: string;
  action: ActionRecord;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** What an action is about, in a few words (versions are in before → after): `openssl`, `/etc/ssh/sshd_config PermitRootLogin`, `ssh.service`. */
export function actionSubject(a: ActionRecord): string {
  const p = a.params ?? {};
  switch (a.type) {
    case 'package-install':
    case 'package-remove':
      return str(p.name) ?? a.finding;
    case 'file-write':
    case 'file-attributes':
      return str(p.path) ?? str(p.restoreFrom) ?? a.finding;
    case 'setting-set':
      return `${str(p.file) ?? '?'} ${str(p.key) ?? '?'}`;
    case 'sysctl-set':
      return str(p.key) ?? a.finding;
    case 'kernel-module-disable':
      return str(p.name) ?? a.finding;
    case 'service-enable':
    case 'service-disable':
    case 'service-mask':
      return str(p.unit) ?? a.finding;
    default:
      return a.finding;
  }
}

/** The names an action can be found by: package, path, settings file (and file:key), unit, sysctl or setting key, finding. */
export function actionNames(a: ActionRecord): string[] {
  const p = a.params ?? {};
  const names = [str(p.name), str(p.path), str(p.file), str(p.unit), str(p.key), a.finding, a.finding.slice(a.finding.indexOf(':') + 1)];
  if (str(p.file) && str(p.key)) names.push(`${str(p.file)}:${str(p.key)}`);
  return names.filter((n): n is string => Boolean(n));
}

const unitless = (s: string) => s.replace(/\.service$/, '');

export function actionMatches(a: ActionRecord, subject: string): boolean {
  return actionNames(a).some((n) => n === subject || unitless(n) === unitless(subject));
}

/**
 * Every action recorded on `host` for `subject`, newest first: later runs (in the order given, the ledger's) before
 * earlier ones, and within a run the later action first. Not by the times recorded: a controller whose clock was off
 * must not reorder what happened. Pure.
 */
export function traceActions(runs: RunRecord[], host: string, subject: string): TraceEntry[] {
  const out: TraceEntry[] = [];
  for (const r of [...runs].reverse()) {
    const mine: TraceEntry[] = [];
    for (const h of r.hosts) {
      if (h.host !== host) continue;
      for (const a of h.actions) {
        if (!actionMatches(a, subject)) continue;
        const { id, kind, status, commit, ref, recovered, operator } = r;
        mine.push({ run: { id, kind, status, commit, ref, recovered, operator }, host, at: a.appliedAt ?? a.startedAt ?? h.startedAt ?? r.startedAt, action: a });
      }
    }
    out.push(...mine.reverse());
  }
  return out;
}

/** The subjects recorded on a host, for a hint when a trace finds nothing. */
export function hostSubjects(runs: RunRecord[], host: string): string[] {
  const names = new Set<string>();
  for (const r of runs) for (const h of r.hosts) if (h.host === host) for (const a of h.actions) names.add(actionSubject(a).split(' ')[0]!);
  return [...names].sort();
}
