import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerVulns(program: Command): void {
  program
    .command('vulns')
    .option('--host <name...>', 'only these hosts')
    .option('--system <name>', "only this system's hosts")
    .option('--ref <ref>', 'judge with the remediations, approvals and exceptions of a commit, branch or tag instead of the working tree')
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--no-mirror', "do not read the policy's mirrors (whether a fix is available is then unknown)")
    .option('--worklist', 'also print the open vulnerabilities in work order: tier, deadline, score and the reasons')
    .option('--all', 'also list vulnerabilities an exception excuses or a VEX statement declares not affecting')
    .option('--json', 'print the report as JSON')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
Advisories come from the store under advisories/ (plumb advisories import), matched against each
host's installed packages (gathered over SSH in one round trip, or read from --facts). For every
vulnerability the report says whether the internal mirror carries the fix (read once from its
signed index, policy.mirrors), which remediation answers it and whether the board approved it for
the host's ring, and whether an exception excuses it. Each open vulnerability gets a priority tier
and deadline from the policy (SP 800-40 2.4).

Exit codes: 0 no open vulnerabilities, 2 vulnerabilities or manual work open, 1 error (a host not examined,
an unreadable advisory file, invalid desired state).

Examples:
  plumb vulns                                   every host, grouped per system
  plumb vulns --system payroll --worklist       one system, with its ordered work list
  plumb vulns --json | jq '.hosts[].entries[] | select(.open) | .vulnerability'
  plumb vulns --facts facts.json --no-mirror    offline, from a snapshot`,
    )
    .action(lazy(() => import('./action.js'), 'vulnsAction'));
}
