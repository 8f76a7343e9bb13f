import { readFileSync } from 'node:fs';
import { UsageError } from '../errors/index.js';
import { gatherAll } from '../facts/gather.js';
import { parseSnapshot } from '../facts/snapshot.js';
import type { Facts, FactsSnapshot } from '../facts/types.js';
import type { HostEntry, Model } from '../model/types.js';

export interface CollectedFacts {
  facts: Map<string, Facts>;
  errors: Map<string, { code: string; message: string }>;
}

export interface CollectOptions {
  /** A facts snapshot (plumb facts --all --out FILE) instead of asking the hosts. */
  facts?: string;
  concurrency?: number;
  /** Live gathering only: called as hosts finish (the CLI draws a progress line with it). */
  onProgress?: (done: number, total: number, host?: string) => void;
}

/** Reads and checks a facts snapshot file; a missing or unreadable file is a usage error with the fix. */
export function readFactsSnapshot(path: string): FactsSnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the facts snapshot ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 'make one with `plumb facts --all --out FILE`');
  }
  return parseSnapshot(text, path);
}

/** The hosts' facts out of a snapshot: hosts it lacks get its recorded error, or E_NO_FACTS. */
export function factsFromSnapshot(snap: FactsSnapshot, hosts: readonly HostEntry[], file: string): CollectedFacts {
  const facts = new Map<string, Facts>();
  const errors = new Map<string, { code: string; message: string }>();
  for (const h of hosts) {
    const f = snap.hosts[h.name];
    if (f) facts.set(h.name, f);
    else errors.set(h.name, snap.errors?.[h.name] ?? { code: 'E_NO_FACTS', message: `${file} has no facts for this host` });
  }
  return { facts, errors };
}

/** Facts of these hosts: live (one round trip each, bounded concurrency) or from a snapshot file. */
export async function collectFacts(hosts: readonly HostEntry[], model: Model, opts: CollectOptions): Promise<CollectedFacts> {
  if (opts.facts) return factsFromSnapshot(readFactsSnapshot(opts.facts), hosts, opts.facts);
  const facts = new Map<string, Facts>();
  const errors = new Map<string, { code: string; message: string }>();
  const r = await gatherAll([...hosts], model, { concurrency: opts.concurrency ?? 16, onProgress: (p) => opts.onProgress?.(p.done, p.total, p.host) });
  for (const [h, f] of r.facts) facts.set(h, f);
  for (const [h, e] of r.errors) errors.set(h, { code: e.code, message: e.message });
  return { facts, errors };
}
