import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';
import { buildProgram, chosenCommand, plumbVersion } from './program.js';

async function output(args: string[]): Promise<string> {
  let text = '';
  const program = await buildProgram(['node', 'plumb', ...args]);
  const capture = (c: Command): void => {
    c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
    c.commands.forEach(capture);
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'plumb', ...args]);
  } catch {
    /* exitOverride: --help and --version end by throwing CommanderError */
  }
  return text;
}

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('plumb', () => {
  it('--version prints the version of the package it was installed from', async () => {
    expect(plumbVersion()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(await output(['--version'])).toBe(`${plumbVersion()}\n`);
  });

  it('--help lists every command with its description', async () => {
    const help = flat(await output(['--help']));
    expect(COMMANDS.length).toBeGreaterThan(10);
    for (const c of COMMANDS) expect(help).toContain(`${c.name} ${flat(c.description)}`);
  });

  it('registers the chosen command in full: its help shows its options, by `X --help` and `help X` alike', async () => {
    expect(await output(['plan', '--help'])).toContain('--facts <file>');
    expect(await output(['help', 'plan'])).toContain('--facts <file>');
    expect(await output(['-C', '/nonexistent', 'lab', 'up', '--help'])).toContain('--hosts <n>');
  });

  it('finds the command where commander will dispatch it, after the global options', () => {
    const argv = (...a: string[]) => ['node', 'plumb', ...a];
    expect(chosenCommand(argv('plan', '--json'))).toBe('plan');
    expect(chosenCommand(argv('-C', 'repo', 'validate'))).toBe('validate');
    expect(chosenCommand(argv('-Crepo', 'validate'))).toBe('validate');
    expect(chosenCommand(argv('--repo=plan', 'history', 'plan'))).toBe('history');
    expect(chosenCommand(argv('--repo', 'plan', 'trace', 'h', 's'))).toBe('trace');
    expect(chosenCommand(argv('help', 'lab'))).toBe('lab');
    expect(chosenCommand(argv('--version'))).toBeUndefined();
    expect(chosenCommand(argv())).toBeUndefined();
  });

  it('every command registers under its own name, with the description of the command list', async () => {
    const program = await buildProgram([], { all: true });
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
    for (const c of COMMANDS) expect(program.commands.find((x) => x.name() === c.name)!.description()).toBe(c.description);
  });
});
