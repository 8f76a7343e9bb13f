import { SudoRefused } from '../errors/index.js';
import { shellQuote } from './shell.js';
import type { ExecResult } from './index.js';

/** Whether a privileged command needs sudo: a non-root login, or a host that asks for it explicitly. */
export function needsSudo(user: string, sudo: boolean | undefined): boolean {
  return sudo === true || user !== 'root';
}

/**
 * `sudo -n` never prompts: a password prompt on a non-interactive channel would hang until the timeout. The
 * command goes through `sh -c` so that pipes and redirections in it run as root too.
 */
export function withSudo(command: string): string {
  return `sudo -n -- sh -c ${shellQuote(command)}`;
}

/** sudo's own refusals are recognised by its messages (it exits 1 like the command could). */
const SUDO_REFUSAL = /^sudo: (a password is required|a terminal is required|.*is not in the sudoers file|.*may not run sudo|.*not allowed to execute)/m;
const SUDO_MISSING = /(^|: )sudo: (command )?not found|sudo: No such file/m;

export function checkSudo(host: string, user: string, result: ExecResult): ExecResult {
  if (result.code === 0) return result;
  const err = result.stderr.toString('utf8');
  const refused = SUDO_REFUSAL.exec(err);
  if (refused) throw new SudoRefused(host, user, refused[0].replace(/^sudo: /, ''));
  if (result.code === 127 && SUDO_MISSING.test(err)) throw new SudoRefused(host, user, 'sudo is not installed');
  return result;
}

/** Error messages show what ran, not the whole facts script or a file's content. */
export function summarize(command: string): string {
  const first = command.split('\n', 1)[0]!;
  return first.length > 80 || command.includes('\n') ? `${first.slice(0, 77)}…` : first;
}
