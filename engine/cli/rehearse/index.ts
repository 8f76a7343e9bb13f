import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerRehearse(program: Command): void {
  program
    .command('rehearse')
    .argument('<remediation>', 'the remediation id, e.g. PLB-2026-0001')
    .option('--ref <ref>', 'rehearse the remediation as committed at this ref (e.g. the pull request branch)')
    .option('--keep', 'leave the lab up afterwards, to look around')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      `
SP 800-40 2.6: test on non-production copies of the standard configurations before rollout.
For every baseline the remediation would meet, a fresh lab host boots from the standard image
(needs root: see plumb lab --help), is brought to its baseline, then gets the remediation.
It passes when every action of the remediation is verified and every requirement of the
baseline still holds afterwards. The run is recorded in the ledger as kind 'rehearse'.
Exit codes: 0 passed, 1 failed or could not run.

Example:
  plumb rehearse PLB-2026-0001 --ref pr/1184 > rehearsal.md`,
    )
    .action(lazy(() => import('./action.js'), 'rehearseAction'));
}
