import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { PlumbError } from '../errors/base.js';
import { COMMANDS } from './commands.js';
import type { Problem } from '../model/problem.js';
import { colours, formatProblem } from './output.js';


/** The program without its commands: global options, and the help around the command list. */
function bareProgram(): Command {
  const program = new Command('plumb')
    .description('GitOps for patch and vulnerability management: desired state in git, real state over SSH, every change recorded.')
    .option('-C, --repo <dir>', 'the desired-state repository (default: the current directory)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(colours(process.stderr).red(str)) })
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 success (no changes), 1 error or invalid input, 2 changes pending (plan, reconcile).
Set NO_COLOR=1 to turn colours off; PLUMB_DEBUG=1 prints stack traces of internal errors.`,
  );
  return program;
}

/**
 * The command argv names, as commander will dispatch it: the first operand once the global options are parsed
 * (by a program of its own, without --version, which would print), or the one after `help`.
 */
export function chosenCommand(argv: string[]): string | undefined {
  const { operands } = bareProgram().parseOptions(argv.slice(2));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

/**
 * The program for argv: the chosen command fully registered (its index.ts imported), every other one a stub with
 * its name and description, which is all `plumb --help` lists. `all` registers every command (tests, docs).
 */
export async function buildProgram(argv: string[] = [], opts: { all?: boolean } = {}): Promise<Command> {
  const program = bareProgram().version(plumbVersion(), '-V, --version', 'print the version of plumb');
  const chosen = chosenCommand(argv);
  for (const entry of COMMANDS) {
    if (!opts.all && entry.name !== chosen) {
      program.command(entry.name).description(entry.description);
      continue;
    }
    (await entry.load())(program);
    const cmd = program.commands.find((c) => c.name() === entry.name);
    if (!cmd) throw new Error(`cli/${entry.name}/index.ts registers no command named '${entry.name}'`);
    cmd.description(entry.description);
  }
  return program;
}

/** The version in plumb's package.json: the nearest one above this file (dist/engine/cli/ or engine/cli/ alike). */
export function plumbVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dir.pathname === '/') return 'unknown';
  }
}

/** The one catch: every failure becomes a readable message and an exit code, never a stack trace. */
export async function run(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const c = colours(process.stderr);
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof PlumbError) {
      // Errors about input carry their located problems (file:line:col) as `problems`: all of them are shown first.
      const problems = (e as { problems?: unknown }).problems;
      if (Array.isArray(problems)) process.stderr.write(problems.map((p) => `${formatProblem(p as Problem, c)}\n`).join(''));
      process.stderr.write(`${c.red('plumb: error:')} ${e.message}\n`);
      if (e.hint) process.stderr.write(`    ${c.dim(`hint: ${e.hint}`)}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    process.stderr.write(`${c.red('plumb: internal error:')} ${err?.message ?? String(e)}\n`);
    process.stderr.write(`    ${c.dim('this is a bug in plumb; please report it with the command you ran (PLUMB_DEBUG=1 shows the stack)')}\n`);
    if (process.env.PLUMB_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return 1;
  }
}

/** Global options, as seen from inside a subcommand's action. */
export function globals(cmd: Command): { repo: string } {
  const o = cmd.optsWithGlobals() as { repo?: string };
  return { repo: o.repo ?? process.cwd() };
}
