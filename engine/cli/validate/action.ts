import type { Command } from 'commander';
import { loadRepository } from '../../model/load.js';
import { colours, formatProblem, plural, printJson } from '../output.js';
import { globals } from '../program.js';

export async function validateAction(opts: { ref?: string; json?: boolean }, cmd: Command) {
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
}

