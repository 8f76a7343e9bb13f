import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerAdmit(program: Command): void {
  program
    .command('admit')
    .argument('<host>', 'the host: its inventory name, its address, or one of its MAC addresses')
    .option('--ref <ref>', 'judge against this commit, branch or tag of the desired state', 'HEAD')
    .option('--facts <file>', "use this facts snapshot instead of the reconciler's newest facts (.plumb/facts/latest.json)")
    .option('--json', 'print the decision as JSON')
    .addHelpText(
      'after',
      `
The same verdict plumb serve gives on GET /v1/admission/HOST, from the same sources: the desired state
at --ref, the newest facts the reconciler kept (or --facts), the ledger and the advisory store. The
rules and what each gives are the inventory's admission: section (engine/serve/README.md):
  compromised    the host is marked compromised in the inventory (default: deny)
  overdue        an open vulnerability of a watched severity is past its deadline (default: critical → quarantine)
  noncompliant   open findings against the baseline; approved exceptions do not count (default: quarantine)
  stale-facts    facts older than facts_max_age, or none (default: older than 24h → quarantine)
The verdict is the strictest any rule gives.

Exit codes: 0 admit, 3 quarantine, 4 deny, 1 error (unknown host, invalid desired state, unreadable facts).

Examples:
  plumb admit web-1
  plumb admit 52:54:00:12:34:56 --json | jq -r .verdict
  plumb admit 10.0.0.7 --facts facts.json || echo "not admitted: $?"`,
    )
    .action(lazy(() => import('./action.js'), 'admitAction'));
}
