import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerPropose(program: Command): void {
  program
    .command('propose')
    .option('--host <name...>', 'only vulnerabilities on these hosts')
    .option('--system <name>', "only vulnerabilities on this system's hosts")
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--no-mirror', "do not read the policy's mirrors (then nothing is proposed: versions come only from the signed mirror index)")
    .option('--branch <name>', 'the branch to write to (default: plumb/propose-<today>); an existing one is added to')
    .option('--author <who>', "the commit's author, 'Name <email>'", 'plumb propose <plumb-propose@localhost>')
    .option('--dry-run', 'print the remediations and the commit message; write nothing')
    .option('--json', 'print what was proposed (and skipped) as JSON')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
Open vulnerabilities (plumb vulns) with a published fix and no remediation are grouped per source
package and release into one patch remediation each: every advisory and CVE of the group, the
highest severity, the installed binaries of that source with the fixed build the internal mirror
carries, and the deadline of the most urgent priority tier. A group that any remediation already
answers — in the working tree, in HEAD or on the proposal branch, by advisory id, CVE or package —
is left alone: nothing a person wrote is overwritten or duplicated.

Which binaries a source builds, and which version of each carries the fix, come only from the
mirror's signed index: a host that reports a binary built from another source than the index says
is shown as disputed and never decides what every host installs.

The files are committed to the branch (created from HEAD, or added to if it exists) without
touching the working tree, the index or HEAD. The commit message is ready to become the pull
request. Nothing is approved: the board approves each remediation per ring.

Exit codes: 0 proposed (or nothing to propose), 1 error.

Examples:
  plumb propose --dry-run                       show what would be written
  plumb propose && git push origin plumb/propose-$(date +%F)
  plumb propose --system payroll --branch plumb/payroll-fixes`,
    )
    .action(lazy(() => import('./action.js'), 'proposeAction'));
}
