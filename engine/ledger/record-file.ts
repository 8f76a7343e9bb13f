import { LedgerCorrupt } from '../errors/index.js';
import type { ActionRecord, HostRecord, RunRecord } from './types.js';

// Field order of the stored JSON: the declaration order of the record types, so a file reads top-down like the
// run went. Any key not listed (a field added later) follows in alphabetical order; nested maps are sorted.
const RUN_KEYS = ['id', 'kind', 'status', 'recovered', 'startedAt', 'endedAt', 'commit', 'ref', 'factsDigest', 'approvals', 'operator', 'rollbackOf', 'stopReason', 'rings', 'hosts', 'settles', 'journal', 'anomalies'];
const HOST_KEYS = ['host', 'system', 'ring', 'status', 'skipReason', 'backup', 'packagesBefore', 'packagesAfter', 'factsDigestBefore', 'factsDigestAfter', 'actions', 'startedAt', 'endedAt', 'error', 'txns', 'outcome'];
const ACTION_KEYS = ['id', 'type', 'params', 'finding', 'findingKind', 'origin', 'source', 'approval', 'before', 'after', 'result', 'regression', 'startedAt', 'appliedAt', 'verifiedAt', 'error', 'skipReason', 'observed', 'settledIn'];
const RING_KEYS = ['ring', 'status', 'reason', 'failed', 'attempted', 'emergency'];
const SEAL_KEYS = ['events', 'head', 'status', 'torn', 'problems'];

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return ordered(value as Record<string, unknown>, []);
}

function ordered(obj: Record<string, unknown>, keys: readonly string[], nested: Record<string, (v: unknown) => unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const rest = Object.keys(obj).filter((k) => !keys.includes(k)).sort();
  for (const k of [...keys, ...rest]) {
    if (!(k in obj) || obj[k] === undefined) continue;
    out[k] = nested[k] ? nested[k](obj[k]) : sorted(obj[k]);
  }
  return out;
}

const action = (a: ActionRecord) => ordered(a as unknown as Record<string, unknown>, ACTION_KEYS);
const host = (h: HostRecord) => ordered(h as unknown as Record<string, unknown>, HOST_KEYS, { actions: (v) => (v as ActionRecord[]).map(action) });

/** The stored form of a run: pretty JSON, fixed key order, newline at the end. Equal records give equal bytes. */
export function serializeRun(run: RunRecord): string {
  const doc = ordered(run as unknown as Record<string, unknown>, RUN_KEYS, {
    hosts: (v) => (v as HostRecord[]).map(host),
    rings: (v) => (v as Array<Record<string, unknown>>).map((r) => ordered(r, RING_KEYS)),
    journal: (v) => ordered(v as Record<string, unknown>, SEAL_KEYS),
  });
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads a stored run and checks the shape every reader relies on; anything else is a damaged ledger. */
export function parseRun(text: string, where: string): RunRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new LedgerCorrupt(`${where} is not JSON: ${(e as Error).message}`, { path: where });
  }
  const problem = shapeProblem(doc);
  if (problem) throw new LedgerCorrupt(`${where} is not a run record: ${problem}`, { path: where });
  return doc as RunRecord;
}

function shapeProblem(doc: unknown): string | null {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'not an object';
  const r = doc as Record<string, unknown>;
  for (const k of ['id', 'kind', 'status', 'startedAt'] as const) if (typeof r[k] !== 'string') return `${k} is not a string`;
  if (!Array.isArray(r.hosts)) return 'hosts is not a list';
  if (!Array.isArray(r.rings)) return 'rings is not a list';
  if (!Array.isArray(r.approvals)) return 'approvals is not a list';
  for (const [i, h] of (r.hosts as unknown[]).entries()) {
    if (!h || typeof h !== 'object') return `hosts[${i}] is not an object`;
    const hr = h as Record<string, unknown>;
    if (typeof hr.host !== 'string') return `hosts[${i}].host is not a string`;
    if (!Array.isArray(hr.actions)) return `hosts[${i}].actions is not a list`;
    for (const [j, a] of (hr.actions as unknown[]).entries()) {
      if (!a || typeof a !== 'object' || typeof (a as Record<string, unknown>).id !== 'string' || typeof (a as Record<string, unknown>).result !== 'string') return `hosts[${i}].actions[${j}] has no id or result`;
    }
  }
  return null;
}

export function countActions(run: RunRecord): number {
  return run.hosts.reduce((n, h) => n + h.actions.length, 0);
}

/** First line: `run <id>: <kind> <status>, N hosts, M actions (desired state <commit12>)`; then details and trailers. */
export function commitMessage(run: RunRecord, path: string): string {
  const n = run.hosts.length;
  const m = countActions(run);
  const state = run.commit ? `desired state ${run.commit.slice(0, 12)}` : 'desired state: working tree';
  const head = `run ${run.id}: ${run.kind} ${run.status}, ${n} host${n === 1 ? '' : 's'}, ${m} action${m === 1 ? '' : 's'} (${state})`;
  const body: string[] = [];
  if (run.recovered) body.push('Recovered: committed by a later process from the journal this run left behind.');
  if (run.journal && run.journal.status !== 'intact') body.push(`Journal ${run.journal.status}: ${(run.journal.problems ?? []).slice(0, 5).join('; ')}`);
  body.push(`Started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''} by ${run.operator?.user ?? '?'}@${run.operator?.hostname ?? '?'}${run.ref ? ` from ${run.ref}` : ''}.`);
  if (run.approvals.length) body.push(`Approvals: ${run.approvals.map((a) => `${a.id} (${a.approver}, ${a.ticket}${a.emergency ? ', emergency' : ''})`).join(', ')}.`);
  const counts = new Map<string, number>();
  for (const h of run.hosts) for (const a of h.actions) counts.set(a.result, (counts.get(a.result) ?? 0) + 1);
  if (counts.size) body.push(`Actions: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}.`);
  const hosts = run.hosts.slice(0, 50).map((h) => `  ${h.host}: ${h.status}${h.error ? ` (${h.error.code})` : ''}`);
  if (run.hosts.length > 50) hosts.push(`  … and ${run.hosts.length - 50} more`);
  if (hosts.length) body.push(`Hosts:\n${hosts.join('\n')}`);
  return `${head}\n\n${body.join('\n')}\n\nPlumb-Run: ${run.id}\nPlumb-Record: ${path}\n`;
}
