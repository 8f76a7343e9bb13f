import { actionSubject } from '../../ledger/trace.js';
import type { ActionRecord, HostRecord, RunRecord } from '../../ledger/types.js';
import type { JournalInfo, LedgerReport } from '../../ledger/index.js';
import { describeOutcome } from '../../ledger/settle.js';
import type { colours } from '../output.js';

type Colours = ReturnType<typeof colours>;

/** `2026-11-25 14:30:00Z`: UTC, to the second, the way the ledger stores it. */
export function when(iso: string | undefined): string {
  if (!iso) return '?';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `14:30:05Z` for a time on the day shown just before it, the full form otherwise. */
export function clock(iso: string | undefined, sameDayAs?: string): string {
  if (!iso) return '?';
  return sameDayAs && iso.slice(0, 10) === sameDayAs.slice(0, 10) ? when(iso).slice(11) : when(iso);
}

export function duration(from: string, to: string | undefined): string {
  if (!to) return '';
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** What a re-gather showed for an action whose outcome had been uncertain. */
export function observedText(o: NonNullable<ActionRecord['observed']>): string {
  const seen = o.value === undefined ? '' : ` (${o.value ?? 'absent'})`;
  const state = { after: 'the host shows the intended state', before: 'the host shows the state before', other: 'the host shows something else', unknown: `not known: ${o.why ?? 'the host could not be examined'}` }[o.state];
  return `${state}${o.state === 'unknown' ? '' : seen}, ${when(o.at)}`;
}

const MARK: Record<ActionRecord['result'], string> = { verified: '✓', unverified: '?', failed: '✗', skipped: '-', restored: '↺' };

export function resultColour(c: Colours, result: string): (s: string) => string {
  return result === 'verified' || result === 'completed' || result === 'changed' ? c.green : result === 'failed' || result === 'halted' || result === 'interrupted' ? c.red : result === 'skipped' || result === 'unchanged' ? c.dim : c.yellow;
}

export function beforeAfter(a: Pick<ActionRecord, 'before' | 'after'>): string {
  return `${a.before ?? '(none)'} → ${a.after ?? '(none)'}`;
}

export function actionTimes(a: ActionRecord, day: string): string {
  const t = [a.startedAt && `started ${clock(a.startedAt, day)}`, a.appliedAt && `applied ${clock(a.appliedAt, day)}`, a.verifiedAt && `verified ${clock(a.verifiedAt, day)}`].filter(Boolean);
  return t.join(' · ');
}

function renderAction(a: ActionRecord, day: string, c: Colours): string[] {
  const col = resultColour(c, a.result);
  const out = [`    ${col(`${MARK[a.result] ?? ' '} ${a.result.padEnd(10)}`)} ${a.type} ${c.bold(actionSubject(a))}  ${beforeAfter(a)}${a.regression ? c.yellow(`  (regression: verified by ${a.regression.run})`) : ''}`];
  const detail = [actionTimes(a, day), a.approval && `approval ${a.approval.id} by ${a.approval.approver}, ${a.approval.ticket}`].filter(Boolean).join(' · ');
  if (detail) out.push(`        ${c.dim(detail)}`);
  if (a.error) out.push(`        ${c.red(`${a.error.code}: ${a.error.message}`)}`);
  if (a.skipReason) out.push(`        ${c.dim(a.skipReason)}`);
  if (a.observed && (a.settledIn || a.observed.state !== 'after')) out.push(`        ${c.dim(`${observedText(a.observed)}${a.settledIn ? ` — recorded by run ${a.settledIn}` : ''}`)}`);
  return out;
}

function renderHost(h: HostRecord, day: string, c: Colours): string[] {
  const span = h.startedAt ? `  ${clock(h.startedAt, day)} → ${h.endedAt ? clock(h.endedAt, day) : '(did not finish)'}` : '';
  const out = [`  ${c.bold(h.host)}  ${c.dim(`${h.system}/${h.ring}`)}  ${resultColour(c, h.status)(h.status)}${span}`];
  if (h.skipReason) out.push(`      ${c.dim(h.skipReason)}`);
  if (h.error) out.push(`      ${c.red(`${h.error.code}: ${h.error.message}`)}`);
  if (h.outcome) out.push(`      ${(h.outcome.state === 'unknown' ? c.red : c.yellow)(`examined again: ${describeOutcome(h.outcome)}${h.outcome.settledIn ? ` (recorded by run ${h.outcome.settledIn})` : ''}`)}`);
  for (const t of h.txns ?? []) out.push(`      ${c.dim(`${t.step} transaction on the host: ${t.dir}, exit status ${t.code ?? 'not known'}`)}`);
  for (const a of h.actions) out.push(...renderAction(a, day, c));
  return out;
}

/** One run as a block: header lines, then each host and its actions. */
export function renderRun(run: RunRecord, c: Colours, note?: string): string {
  // A journal shown before it is committed is not recovered yet: the note says what it is.
  const flags = [run.recovered && !note && c.yellow('[recovered]'), run.journal && run.journal.status !== 'intact' && c.red(`[journal ${run.journal.status}]`), note && c.yellow(`[${note}]`)].filter(Boolean).join(' ');
  const lines = [`${c.cyan(`run ${run.id}`)}  ${run.kind}  ${resultColour(c, run.status)(run.status)}${flags ? `  ${flags}` : ''}`];
  const took = duration(run.startedAt, run.endedAt);
  lines.push(`  when       ${when(run.startedAt)}${run.endedAt ? ` → ${clock(run.endedAt, run.startedAt)} (${took})` : ' → (no end recorded)'}`);
  lines.push(`  commit     ${run.commit ? run.commit.slice(0, 12) : 'working tree'}${run.ref ? ` (${run.ref})` : ''}${run.rollbackOf ? `, rolling back run ${run.rollbackOf}` : ''}`);
  if (run.incident) {
    const i = run.incident;
    lines.push(`  incident   ${i.host} quarantined since ${i.quarantine.since}${i.quarantine.ticket ? ` (${i.quarantine.ticket})` : ''}: ${i.quarantine.reason}`);
    lines.push(`             rebuilt ${i.rebuild.how === 'lab-image' ? 'from the standard image' : `by other means${i.rebuild.by ? `: ${i.rebuild.by}` : ''}`} at ${i.rebuild.at}; host keys ${i.previousHostKeys.join(', ') || 'none'} → ${i.newHostKeys.join(', ')}`);
  }
  lines.push(`  by         ${run.operator?.user ?? '?'}@${run.operator?.hostname ?? '?'}`);
  lines.push(`  approvals  ${run.approvals.length ? run.approvals.map((a) => `${a.id} by ${a.approver} (${a.ticket}${a.emergency ? ', emergency' : ''})`).join(', ') : 'none (baselines are approved by their merge)'}`);
  if (run.rings.length) lines.push(`  rings      ${run.rings.map((r) => `${r.ring} ${r.status}${r.attempted ? ` (${r.failed} of ${r.attempted} hosts failed)` : ''}${r.reason ? `: ${r.reason}` : ''}`).join(' · ')}`);
  for (const p of run.journal?.problems ?? []) lines.push(`  ${c.red(`journal: ${p}`)}`);
  for (const p of run.anomalies ?? []) lines.push(`  ${c.yellow(`anomaly: ${p}`)}`);
  if (run.stopReason) lines.push(`  ${c.yellow(run.stopReason)}`);
  for (const s of run.settles ?? []) lines.push(`  ${c.yellow(`settled run ${s.run} on ${s.host}: ${describeOutcome(s.outcome)}`)}`);
  for (const h of run.hosts) lines.push(...renderHost(h, run.startedAt, c));
  if (!run.hosts.length && !run.settles?.length) lines.push(`  ${c.dim('no host was touched')}`);
  return `${lines.join('\n')}\n`;
}

export function pendingNote(j: Pick<JournalInfo, 'state' | 'owner' | 'lease'>): string {
  if (j.state === 'running') {
    const who = j.owner ? `pid ${j.owner.pid} on ${j.owner.hostname}` : 'its owner is alive';
    const beat = j.lease ? `, heartbeat ${Math.max(0, Math.round((Date.now() - Date.parse(j.lease.renewedAt)) / 1000))} s ago` : '';
    return `running (${who}${beat}), not in the ledger yet`;
  }
  return j.state === 'interrupted' && j.lease ? `interrupted: its owner stopped renewing its lease (last heartbeat ${j.lease.renewedAt}); the next run commits it` : j.state === 'foreign' ? 'journal from another machine, not in the ledger' : j.state === 'conflict' ? 'journal set aside: conflicts with the ledger' : 'interrupted, not in the ledger yet: the next run commits it';
}

export function renderReport(r: LedgerReport, c: Colours): string {
  const lines: string[] = [];
  for (const p of r.problems) lines.push(`${c.red('problem')}: ${[p.commit && `commit ${p.commit.slice(0, 12)}`, p.run && `run ${p.run}`].filter(Boolean).join(', ')}${p.commit || p.run ? ': ' : ''}${p.message}`);
  for (const p of r.notices) lines.push(`${c.yellow('notice')}: ${p.run ? `run ${p.run}: ` : ''}${p.message}`);
  const summary = `${r.commits} commit${r.commits === 1 ? '' : 's'}, ${r.runs} run${r.runs === 1 ? '' : 's'}${r.tip ? ` up to ${r.tip.slice(0, 12)}` : ''}`;
  lines.push(r.ok ? c.green(`ledger intact: ${summary}`) : c.red(`ledger damaged: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} in ${summary}`));
  return `${lines.join('\n')}\n`;
}
