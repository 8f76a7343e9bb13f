import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { PlumbError } from '../errors/index.js';
import { colours } from './output.js';
import { registerValidate } from './validate/index.js';
import { registerAdvisories } from './advisories/index.js';
import { registerVersion } from './version/index.js';
import { registerPlan } from './plan/index.js';
import { registerApply } from './apply/index.js';
import { registerReconcile } from './reconcile/index.js';
import { registerRollback } from './rollback/index.js';
import { registerRehearse } from './rehearse/index.js';
import { registerHistory } from './history/index.js';
import { registerTrace } from './trace/index.js';

import { registerLab } from './lab/index.js';
import { registerFacts } from './facts/index.js';
import { registerHosts } from './hosts/index.js';
import { registerVulns } from './vulns/index.js';
import { registerPropose } from './propose/index.js';
import { registerInventory } from './inventory/index.js';
import { registerMetrics } from './metrics/index.js';
import { registerReport } from './report/index.js';
import { registerAdmit } from './admit/index.js';
import { registerServe } from './serve/index.js';

/**
 * Commands register themselves here, by hand, in the order `plumb --help` lists them. Registering is cheap: each
 * cli/<command>/index.ts declares its arguments, options and help, and loads its action module only when it runs
 * (lazy.ts; engine/README.md has the pattern, cli/startup.test.ts keeps the start light).
 */
const COMMANDS: Array<(program: Command) => void> = [registerValidate, registerInventory, registerHosts, registerFacts, registerPlan, registerApply, registerReconcile, registerRollback, registerRehearse, registerHistory, registerTrace, registerVulns, registerPropose, registerMetrics, registerReport, registerServe, registerAdmit, registerVersion, registerLab, registerAdvisories];

export function buildProgram(): Command {
  const program = new Command('plumb')
    .description('GitOps for patch and vulnerability management: desired state in git, real state over SSH, every change recorded.')
    .version(plumbVersion(), '-V, --version', 'print the version of plumb')
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
  for (const register of COMMANDS) register(program);
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
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const c = colours(process.stderr);
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (e instanceof PlumbError) {
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
