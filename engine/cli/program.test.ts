import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram, plumbVersion } from './program.js';

function output(args: string[]): string {
  let text = '';
  const program = buildProgram().configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  try {
    program.parse(['node', 'plumb', ...args]);
  } catch {
    /* exitOverride: --help and --version end by throwing CommanderError */
  }
  return text;
}

describe('plumb', () => {
  it('--version prints the version of the package it was installed from', () => {
    expect(plumbVersion()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    expect(output(['--version'])).toBe(`${plumbVersion()}\n`);
  });

  it('--help lists every command with its description', () => {
    const help = output(['--help']).replace(/\s+/g, ' ');
    const commands = buildProgram().commands;
    expect(commands.length).toBeGreaterThan(10);
    for (const c of commands) {
      expect(c.description().length, c.name()).toBeGreaterThan(10);
      expect(help).toContain(c.name());
    }
  });
});
