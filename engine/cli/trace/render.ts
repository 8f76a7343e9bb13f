import { actionSubject, type TraceEntry } from '../../ledger/trace.js';
import type { colours } from '../output.js';
import { actionTimes, beforeAfter, observedText, resultColour, when } from '../history/render.js';

type Colours = ReturnType<typeof colours>;

/** One block per action: when and what, then which run, commit, requirement and approval — newest first. */
export function renderTrace(host: string, subject: string, entries: Array<TraceEntry & { pending?: string }>, c: Colours): string {
  const runs = new Set(entries.map((e) => e.run.id)).size;
  const out = [`${c.bold(host)} · ${c.bold(subject)}: ${entries.length} action${entries.length === 1 ? '' : 's'} in ${runs} run${runs === 1 ? '' : 's'} (newest first)`];
  for (const e of entries) {
    const a = e.action;
    out.push('');
    out.push(`${when(e.at)}  ${resultColour(c, a.result)(a.result)}  ${a.type} ${c.bold(actionSubject(a))}  ${beforeAfter(a)}`);
    const flags = [e.run.recovered && !e.pending && 'recovered', e.pending].filter(Boolean).join(', ');
    out.push(`  run        ${c.cyan(e.run.id)} (${e.run.kind}, ${e.run.status}${flags ? `, ${flags}` : ''}) by ${e.run.operator?.user ?? '?'}@${e.run.operator?.hostname ?? '?'}`);
    out.push(`  commit     ${e.run.commit ?? 'working tree'}${e.run.ref ? ` (${e.run.ref})` : ''}`);
    const origin = a.origin.kind === 'remediation' ? `remediation ${a.origin.id}, ${a.origin.severity}${a.origin.emergency ? ', emergency' : ''}` : `baseline ${a.origin.name}`;
    out.push(`  required   ${a.source} (${origin})`);
    if (a.approval) out.push(`  approved   ${a.approval.id} by ${a.approval.approver}, ticket ${a.approval.ticket}${a.approval.emergency ? ', emergency' : ''}${a.approval.window ? `, window ${a.approval.window}` : ''} (${a.approval.source})`);
    else out.push(`  approved   ${a.origin.kind === 'baseline' ? 'by the reviewed merge of the baseline' : c.yellow('no approval recorded')}`);
    out.push(`  finding    ${a.finding}${a.regression ? c.yellow(` — a regression: verified fixed by run ${a.regression.run} at ${when(a.regression.verifiedAt)}`) : ''}`);
    const times = actionTimes(a, e.at);
    if (times) out.push(`  times      ${times}`);
    if (a.error) out.push(`  ${c.red(`error      ${a.error.code}: ${a.error.message}`)}`);
    if (a.skipReason) out.push(`  ${c.dim(`skipped    ${a.skipReason}`)}`);
    if (a.observed) out.push(`  observed   ${observedText(a.observed)}${a.settledIn ? ` — recorded by run ${a.settledIn}, at its first contact with the host` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
