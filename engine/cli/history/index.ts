import type { Command } from 'commander';
import { NotInLedger, UsageError } from '../../errors/index.js';
import { inspectJournals, LEDGER_REF, readLedger, sinceFilter, verifyLedger, type JournalInfo, type RunRecord } from '../../ledger/index.js';
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

export function registerHistory(program: Command): void {
  program
    .command('history')
    .argument('[host]', 'only runs that touched this host, and only its part of them')
    .description('show the ledger: every run, newest first, with per host what was done, before → after, result and when')
    .option('--run <id>', 'one run in full (a unique prefix of its id is enough)')
    .option('--limit <n>', 'show the newest n runs (0: all)', '20')
    .option('--since <when>', 'only runs started at or after a date, date-time or run id')
    .option('--json', 'print the runs as JSON (RunRecord, newest first), with journals not yet in the ledger')
    .option('--verify', 'check the ledger: the hash chain, append-only commits, record integrity; exit 1 on any problem')
    .addHelpText(
      'after',
      `
The ledger lives on ${LEDGER_REF} of the desired-state repository: one commit per run, each the child of
the run before, so its history is hash-chained and replicates with
\`git push origin ${LEDGER_REF}:${LEDGER_REF}\`. Runs that were interrupted (a crash, kill -9) are
shown from their journal until the next run commits them, then marked [recovered].

Exit codes: 0 shown (or ledger intact), 1 ledger damaged (--verify), unknown host or run, or bad option.

Examples:
  plumb history                         the 20 newest runs
  plumb history web-1 --limit 5         what the last 5 runs did on web-1
  plumb history --run 20261125T1430     one run in full
  plumb history --since 2026-11-01 --json | jq '.runs[].id'
  plumb history --verify                check the chain (for cron, after git fetch of the ledger)`,
    )
    .action(async (host: string | undefined, opts: HistoryOptions, cmd: Command) => {
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
      let runs = ledger.entries.map((e) => narrow(e.run)).filter((r): r is RunRecord => r !== null).reverse();
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
    });
}

function jsonPending(j: JournalInfo) {
  return { id: j.id, state: j.state, path: j.path, run: j.record };
}
