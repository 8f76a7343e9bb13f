import { createInterface } from 'node:readline/promises';
import { ConfirmationRequired, InvalidDesiredState, PlumbError } from '../errors/index.js';
import { loadRepository, type LoadResult } from '../model/load.js';
import type { Problem } from '../model/problem.js';
import { colours, formatProblem } from './output.js';

/** Loads the desired state and refuses to go on when it is invalid: no command acts on a model that does not validate. */
export async function loadValidModel(repo: string, ref?: string): Promise<LoadResult> {
  const result = await loadRepository(repo, ref);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    process.stderr.write(formatProblems(errors));
    throw new InvalidDesiredState(errors.length, { problems: errors });
  }
  return result;
}

/** The first ten problems, one per line, and how many more there are. */
export function formatProblems(errors: Problem[]): string {
  const c = colours(process.stderr);
  const lines = errors.slice(0, 10).map((p) => `${formatProblem(p, c)}\n`);
  if (errors.length > 10) lines.push(`… and ${errors.length - 10} more\n`);
  return lines.join('');
}

export { selectHosts, type HostFilter } from '../model/select.js';

/** A one-line progress indicator on stderr, only for people at a terminal; scripts see nothing. */
export function progress(label: string): { update(done: number, total: number, note?: string): void; end(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let last = 0;
  return {
    update(done, total, note) {
      if (!tty) return;
      const t = Date.now();
      if (t - last < 100 && done < total) return;
      last = t;
      process.stderr.write(`\r\u001b[2K${label} ${done}/${total}${note ? ` ${note}` : ''}`);
    },
    end() {
      if (tty) process.stderr.write('\r\u001b[2K');
    },
  };
}

/** Asks a person to type 'yes'; scripts must say --yes, since nobody can answer a prompt in a pipe. */
export async function confirmOrThrow(question: string, yes?: boolean): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new ConfirmationRequired();
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`${question} Only 'yes' proceeds: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new PlumbError('E_CANCELLED', 'nothing was changed');
  } finally {
    rl.close();
  }
}
