import type { Command } from 'commander';
import { NotInLedger, UsageError } from '../../errors/index.js';
import { inspectJournals, LEDGER_REF, overlaySettlements, readLedger, sinceFilter, verifyLedger, type JournalInfo, type RunRecord } from '../../ledger/index.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { pendingNote, renderReport, renderRun } from './render.js';

interface HistoryOptions {
  json?: boolean;
  run?: string;
  limit: string;
  since?: string;
  verify?: boolean;
}

export async function historyAction(host: string | undefined, opts: HistoryOptions, cmd: Command) {
  const { repo } = globals(cmd);
  const c = colours();
  if (opts.verify) {
    if (host || opts.run || opts.since) throw new UsageError('--verify checks the whole ledger: it takes no host, --run or --since');
    const report = await verifyLedger(repo);
    if (opts.json) printJson(report);
    else process.stdout.write(renderReport(report, c));
    process.exitCode = report.ok ? 0 : 1;
    return;
  }
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit '${opts.limit}' is not a whole number`, 'for example --limit 5, or --limit 0 for every run');
  const since = opts.since === undefined ? () => true : sinceFilter(opts.since);
  const ledger = await readLedger(repo);
  const narrow = (r: RunRecord): RunRecord | null => {
    if (!since(r)) return null;
    if (!host) return r;
    const hosts = r.hosts.filter((h) => h.host === host);
    return hosts.length ? { ...r, hosts } : null;
  };
  // Ledger order (newest first), with what later runs found on the hosts laid over the runs it concerns.
  let runs = overlaySettlements(ledger.entries.map((e) => e.run))
    .map(narrow)
    .filter((r): r is RunRecord => r !== null)
    .reverse();
  let pending = (await inspectJournals(repo)).flatMap((j) => {
    const record = narrow(j.record);
    return record ? [{ ...j, record }] : [];
  });
  if (opts.run) {
    const want = opts.run;
    runs = runs.filter((r) => r.id.startsWith(want));
    pending = pending.filter((j) => j.id.startsWith(want));
    const found = new Set([...runs.map((r) => r.id), ...pending.map((j) => j.id)]);
    if (found.size === 0) throw new NotInLedger(`run ${want}${host ? ` on host ${host}` : ''}`);
    if (found.size > 1) throw new UsageError(`'${want}' names ${found.size} runs: ${[...found].slice(0, 5).join(', ')}${found.size > 5 ? ', …' : ''}`, 'give more of the run id');
  }
  if (host && !runs.length && !pending.length) throw new NotInLedger(`host ${host}`);
  const shown = limit && !opts.run ? runs.slice(0, limit) : runs;
  if (opts.json) {
    printJson({ ledger: { ref: LEDGER_REF, tip: ledger.tip }, runs: shown, pending: pending.map(jsonPending) });
    return;
  }
  const blocks = [...pending.map((j) => renderRun(j.record, c, pendingNote(j))), ...shown.map((r) => renderRun(r, c))];
  if (!blocks.length) {
    process.stdout.write(`the ledger is empty: no run has been recorded${opts.since ? ` since ${opts.since}` : ''}\n`);
    return;
  }
  process.stdout.write(blocks.join('\n'));
  if (shown.length < runs.length) process.stdout.write(`\n${c.dim(`… ${runs.length - shown.length} older run(s) not shown (--limit 0 shows all)`)}\n`);
}


function jsonPending(j: JournalInfo) {
  return { id: j.id, state: j.state, path: j.path, owner: j.owner ?? null, lease: j.lease ?? null, run: j.record };
}
