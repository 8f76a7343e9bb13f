import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .argument('<host>', 'the host to roll back')
    .requiredOption('--run <id>', 'the run to undo on that host (plumb history HOST lists them)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'roll back even though later runs changed the host (their changes to the same files are undone too)')
    .option('--json', 'print the rollback run record as JSON')
    .addHelpText(
      'after',
      `
Files the run changed are restored from the backup it made on the host
(/var/lib/plumbline/backups/RUN). Packages return to the versions they had before the run where
the internal mirror still carries them; the others are reported, not guessed. Uninstalling a
patch may not restore the previous state entirely (SP 800-40 2.6): read the remediation's
rollback notes first. The rollback is a recorded run of its own (kind rollback).

Example:
  plumb history payroll-web-01
  plumb rollback payroll-web-01 --run 20261125T101500Z-3fa2c1`,
    )
    .action(lazy(() => import('./action.js'), 'rollbackAction'));
}
