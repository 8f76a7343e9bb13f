import type { Command } from 'commander';
import { loadRepository } from '../../model/load.js';
import { colours, formatProblem, plural, printJson } from '../output.js';
import { globals } from '../program.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the desired state: schemas, references, extends cycles, approvals, templates, expiries')
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
    .action(async (opts: { ref?: string; json?: boolean }, cmd: Command) => {
      const { repo } = globals(cmd);
      const result = await loadRepository(repo, opts.ref);
      const errors = result.problems.filter((p) => p.severity === 'error');
      const warnings = result.problems.length - errors.length;
      if (opts.json) {
        printJson({ valid: errors.length === 0, commit: result.model.commit, documents: result.documents, errors: errors.length, warnings, problems: result.problems });
      } else {
        const c = colours();
        for (const p of result.problems) process.stdout.write(`${formatProblem(p, c)}\n`);
        const where = result.model.commit ? `commit ${result.model.commit.slice(0, 12)}` : 'working tree';
        const counts = `${plural(result.documents, 'document')}, ${result.model.hosts.size} hosts, ${result.model.resolvedBaselines.size} baselines, ${result.model.remediations.size} remediations`;
        const verdict = errors.length ? c.red(`invalid: ${plural(errors.length, 'error')}`) : c.green('valid');
        process.stdout.write(`${verdict}${warnings ? `, ${plural(warnings, 'warning')}` : ''} (${where}: ${counts})\n`);
      }
      process.exitCode = errors.length ? 1 : 0;
    });
}
