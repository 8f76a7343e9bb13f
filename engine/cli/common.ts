import { createInterface } from 'node:readline/promises';
import { ConfirmationRequired, InvalidDesiredState, PlumbError, UnknownObject } from '../errors/index.js';
import { loadRepository, type LoadResult } from '../model/load.js';
import type { HostEntry, Model } from '../model/types.js';
import { colours, formatProblem } from './output.js';

/** Loads the desired state and refuses to go on when it is invalid: no command acts on a model that does not validate. */
export async function loadValidModel(repo: string, ref?: string): Promise<LoadResult> {
  const result = await loadRepository(repo, ref);
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    const c = colours(process.stderr);
    for (const p of errors.slice(0, 10)) process.stderr.write(`${formatProblem(p, c)}\n`);
    if (errors.length > 10) process.stderr.write(`… and ${errors.length - 10} more\n`);
    throw new InvalidDesiredState(errors.length, { problems: errors });
  }
  return result;
}

export interface HostFilter {
  host?: string[] | string;
  system?: string;
  ring?: string;
}

/** The hosts a command acts on: every host, or those named, or one system's, or one ring's (filters combine). */
export function selectHosts(model: Model, f: HostFilter): HostEntry[] {
  const names = f.host === undefined ? [] : Array.isArray(f.host) ? f.host : [f.host];
  for (const n of names) if (!model.hosts.has(n)) throw new UnknownObject('host', n, [...model.hosts.keys()]);
  if (f.system && !model.systems.has(f.system)) throw new UnknownObject('system', f.system, [...model.systems.keys()]);
  if (f.ring && !model.rings.some((r) => r.name === f.ring)) throw new UnknownObject('ring', f.ring, model.rings.map((r) => r.name));
  return [...model.hosts.values()].filter(
    (h) => (!names.length || names.includes(h.name)) && (!f.system || h.system === f.system) && (!f.ring || h.ring === f.ring),
  );
}

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
