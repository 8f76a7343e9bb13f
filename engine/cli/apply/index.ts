import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerApply(program: Command): void {
  const cmd = program
    .command('apply')
    .argument('[plan]', 'a plan saved with `plumb plan --out plan.json`; refused when stale')
    .option('--host <name...>', 'only these hosts')
    .option('--system <name>', "only this system's hosts")
    .option('--ring <name>', "only this ring's hosts")
    .option('--ref <ref>', 'apply a commit, branch or tag instead of the working tree')
    .option('-y, --yes', 'do not ask for confirmation (for scripts)')
    .option('--json', 'print the run record as JSON')
    .option('--concurrency <n>', 'hosts changed at the same time within a ring', '8');
  addFaultOptions(cmd)
    .addHelpText(
      'after',
      `
Per host: files about to change are backed up on the host (/var/lib/plumbline/backups/RUN), package
actions run as one apt transaction against the host's configured (internal, signed) mirror, then
files, settings, sysctl and services change. The first failure stops the host and restores it.
Afterwards the host is examined again: an action counts as verified only when its finding is gone.

Only approved changes run: baseline changes (approved by their merge) and remediations with an
approval for the host's ring. The next ring starts only after earlier rings finished the change
and soaked; a ring reaching its failure threshold halts the rollout; hosts outside their
maintenance window are skipped. Emergency approvals bypass windows and soak (and say so).

A saved plan is refused when the desired state or any host's real state changed since.
Package transactions run on the host under a detached supervisor that records their exit status
and output there (/var/lib/plumbline/txn/), and each host is locked for the whole apply; a cut,
a kill or a stop never leaves the record guessing: the host is examined again (in this run if it
comes back within --reconnect-wait, else at the next contact) and the truth is recorded.
Ctrl-C (SIGINT) or SIGTERM: no new host or action starts, what runs finishes and is recorded;
a second one stops waiting.
Exit codes: 0 done (or nothing to do), 1 a host failed, a ring halted, or an error; 130/143
stopped by SIGINT/SIGTERM.

Examples:
  plumb plan --ring pilot --out plan.json && plumb apply plan.json
  plumb apply --ref main --yes                 everything approved on main, no questions
  plumb rollback web-01 --run 20261125T101500Z-3fa2c1`,
    )
    .action(lazy(() => import('./action.js'), 'applyAction'));
}

/** The options shared by apply and reconcile that bound how long plumb waits for hosts, locks and clocks. */
export function addFaultOptions(cmd: Command): Command {
  return cmd
    .option('--lock-wait <duration>', "how long to wait for apt/dpkg locks other processes hold, a host another plumb run holds, or an earlier run's transaction still running on a host", '120s')
    .option('--reconnect-wait <duration>', 'how long a connection that broke mid-run is tried again before the host is left for the next contact', '60s')
    .option('--keepalive <duration>', 'SSH keepalive interval; four unanswered keepalives and a connection counts as cut', '15s')
    .option('--max-clock-skew <duration>', "how far this controller's clock may differ from the hosts' and from the commit's before time-dependent decisions are refused", '5m');
}
