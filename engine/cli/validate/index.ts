import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .option('--ref <ref>', 'validate a commit, branch or tag instead of the working tree')
    .option('--json', 'print problems as JSON')
    .addHelpText(
      'after',
      `
Every problem is printed at once as file:line:col: severity: message, with a hint.
Errors make the desired state invalid (exit 1); warnings (expired approvals or exceptions,
passed deadlines) are shown but do not fail the check.

Examples:
  plumb validate                  the working tree
  plumb validate --ref main       what is committed on main
  plumb validate --json | jq '.problems[] | select(.severity == "error")'`,
    )
    .action(lazy(() => import('./action.js'), 'validateAction'));
}
