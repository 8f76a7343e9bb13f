import type { Command } from 'commander';
import { renderRehearsal, rehearse } from '../../rehearse/index.js';
import { loadValidModel } from '../common.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';

export async function rehearseAction(id: string, opts: { ref?: string; keep?: boolean; json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const { model } = await loadValidModel(repo, opts.ref);
  const c = colours(process.stderr);
  const verdict = await rehearse({ repo, model, remediationId: id, keep: opts.keep, onStep: (m) => process.stderr.write(c.dim(`… ${m}\n`)) });
  if (opts.json) printJson(verdict);
  else process.stdout.write(renderRehearsal(verdict));
  process.exitCode = verdict.passed ? 0 : 1;
}

