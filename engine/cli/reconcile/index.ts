import type { Command } from 'commander';
import { addFaultOptions } from '../apply/index.js';
import { lazy } from '../lazy.js';

export function registerReconcile(program: Command): void {
  const cmd = program
    .command('reconcile')
    .option('--remote <url>', 'fetch the approved branch from this smart-HTTP(S) git remote first')
    .option('--ref <ref>', 'the approved branch (default: main with --remote, else HEAD)')
    .option('--json', 'print the run record as JSON')
    .option('--concurrency <n>', 'hosts changed at the same time within a ring', '8');
  addFaultOptions(cmd)
    .addHelpText(
      'after',
      `
One pass of the reconciler: (fetch) → validate → gather facts → plan → apply the approved changes
ring by ring → verify → record the run in the ledger (refs/plumbline/ledger) → print a summary.
A lease (.plumb/run.lock: host, pid, start time, heartbeat) keeps two reconcilers off one state
directory, and a lock on each host keeps two controllers off one host ("host busy, held by …").
A run interrupted by a crash is recorded by the next one, which reads what each host's supervisor
recorded, examines the host again, records the truth, and finishes the work without repeating
verified actions. There is no confirmation prompt: the merge and the approval records are the
confirmation. SIGINT/SIGTERM (also systemctl stop): no new host or action starts, transactions
under way finish and are recorded; a second signal stops waiting for them.

Exit codes: 0 nothing to change, 2 changes made and verified, 1 an error, a failed or
unverified change, a halted ring, or an unreachable host; 130/143 stopped by SIGINT/SIGTERM.

Run it every 15 minutes from cron:
  */15 * * * *  plumb -C /var/lib/plumbline/state reconcile --remote https://git.example.org/infra/desired-state.git --ref main >>/var/log/plumbline.log 2>&1
or from a systemd timer (see README.md, "Running on a schedule").`,
    )
    .action(lazy(() => import('./action.js'), 'reconcileAction'));
}
