import type { Command } from 'commander';
import { LEDGER_REF } from '../../ledger/types.js';
import { lazy } from '../lazy.js';

export function registerHistory(program: Command): void {
  program
    .command('history')
    .argument('[host]', 'only runs that touched this host, and only its part of them')
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
    .action(lazy(() => import('./action.js'), 'historyAction'));
}
