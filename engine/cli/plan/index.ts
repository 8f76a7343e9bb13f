import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .option('--host <name...>', 'only these hosts')
    .option('--system <name>', "only this system's hosts")
    .option('--ring <name>', "only this ring's hosts")
    .option('--ref <ref>', 'plan a commit, branch or tag instead of the working tree')
    .option('--facts <file>', 'plan against a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--json', 'print the plan as JSON (the format apply reads)')
    .option('--markdown', 'print the plan as a pull-request comment')
    .option('--out <file>', 'also save the plan as JSON, for `plumb apply <file>`')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
Each host's real state is gathered over SSH in one round trip, compared with its baseline and
every remediation that applies to it, and turned into an ordered list of actions. Remediations
the board has not approved for the host's ring are listed as awaiting approval, never planned.
Findings covered by an approved exception are listed as suppressed.

Exit codes: 0 no changes, 2 changes pending, 1 error (invalid desired state, unreachable host).

Examples:
  plumb plan                                   every host, against the working tree
  plumb plan --ring pilot --out plan.json      save the pilot ring's plan for apply
  plumb facts --all --out facts.json           (where hosts are reachable) then, in CI:
  plumb plan --ref HEAD --facts facts.json --markdown > plan.md`,
    )
    .action(lazy(() => import('./action.js'), 'planAction'));
}
