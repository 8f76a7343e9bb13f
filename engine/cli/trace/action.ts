import type { Command } from 'commander';
import { NotInLedger } from '../../errors/index.js';
import { hostSubjects, inspectJournals, readRuns, traceActions, type TraceEntry } from '../../ledger/index.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { pendingNote } from '../history/render.js';
import { renderTrace } from './render.js';

export async function traceAction(host: string, subject: string, opts: { json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const runs = await readRuns(repo, { host });
  const pending = (await inspectJournals(repo)).filter((j) => j.record.hosts.some((h) => h.host === host));
  if (!runs.length && !pending.length) throw new NotInLedger(`host ${host}`);
  // Newest first in ledger order; journals not in the ledger yet are newer than everything in it.
  const entries: Array<TraceEntry & { pending?: string }> = [
    ...pending.reverse().flatMap((j) => traceActions([j.record], host, subject).map((e) => ({ ...e, pending: pendingNote(j) }))),
    ...traceActions(runs, host, subject),
  ];
  if (opts.json) {
    printJson({ host, subject, entries });
    return;
  }
  const c = colours();
  if (!entries.length) {
    const known = hostSubjects([...runs, ...pending.map((j) => j.record)], host);
    process.stdout.write(`no recorded action on ${host} touched ${subject}\n`);
    if (known.length) process.stdout.write(`    ${c.dim(`hint: actions on ${host} concern ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}`)}\n`);
    return;
  }
  process.stdout.write(renderTrace(host, subject, entries, c));
}

