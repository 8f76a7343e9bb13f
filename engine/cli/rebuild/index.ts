import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerRebuild(program: Command): void {
  program
    .command('rebuild')
    .argument('<host>', 'the quarantined (compromised) host')
    .option('--lab <name>', 'the host is a lab host: reset it from the standard image, with new host keys')
    .option('--fingerprint <SHA256:…>', 'production: the new host key of a host rebuilt by other means, verified on its console')
    .option('--done-by <text>', 'production: who rebuilt it, and how (recorded with the incident)')
    .option('--json', 'print the incident and the rebuild run as JSON')
    .addHelpText(
      'after',
      `
Patching does not remove a backdoor: a compromised host is rebuilt from the standard image
(SP 800-40 4.4). A host marked compromised (quarantined) gets no other change from plumb. This:
  1. resets a lab host from the standard image with new host keys (--lab), or records a rebuild
     done by other means (--fingerprint, --done-by);
  2. requires the key the host now presents to be that new key and none of the old ones, and pins
     it in place of the old ones;
  3. applies its baseline from scratch (a recorded run of kind rebuild, carrying the incident:
     the quarantine, how and by whom it was rebuilt, old and new host keys);
  4. gathers its facts again and, only when nothing is left to do, lifts the quarantine (removes
     compromised: from the inventory). Otherwise it stays quarantined.
Inventory edits are made to the working tree, like plumb hosts trust: commit them for review.

Exit codes: 0 rebuilt, verified and lifted; 1 refused or not verified (still quarantined).

Examples:
  plumb rebuild lab-3 --lab default
  plumb rebuild payroll-db-01 --fingerprint SHA256:Xy… --done-by "reinstalled from the 2026-12 golden image, INC-42"`,
    )
    .action(lazy(() => import('./action.js'), 'rebuildAction'));
}
