import git, { type TreeEntry } from 'isomorphic-git';
import type * as fs from 'node:fs';
import { InvalidLedgerAuthor, LedgerBusy, LedgerCorrupt } from '../errors/index.js';
import { ObjectReader, parseCommit, parseTree } from './objects.js';
import { commitMessage, parseRun, serializeRun } from './record-file.js';
import { compareAndSwapRef, readRef, type SwapOptions } from './ref-update.js';
import { durableObjectFs, type LedgerRepo } from './repo.js';
import { runPath } from './run-id.js';
import { LEDGER_REF, type RunRecord } from './types.js';

export interface CommitOutcome {
  /** The ledger tip after this call (null: the ledger is still empty). */
  tip: string | null;
  /** Records this call added, one commit each, in run-id order. */
  committed: RunRecord[];
  /** Records that were already in the ledger (by run id), as stored there: nothing is ever committed twice. */
  existing: Map<string, RunRecord>;
}

export function ledgerAuthor(env: NodeJS.ProcessEnv = process.env): { name: string; email: string } {
  const raw = env.PLUMB_LEDGER_AUTHOR;
  if (!raw) return { name: 'plumbline', email: 'plumbline@localhost' };
  const m = /^([^<>\n]+?)\s*<([^<>\s]+)>$/.exec(raw.trim());
  if (!m) throw new InvalidLedgerAuthor(raw);
  return { name: m[1]!, email: m[2]! };
}

/**
 * Adds runs to the ledger, one commit per run, each the child of the one before: only ever appending. The objects
 * are written with isomorphic-git (never the index or the working tree), made durable, and then the ref is moved by
 * compare-and-swap; if another process moved it first, everything is rebuilt on the new tip. A run already on the
 * ledger is skipped, so racing recoveries commit each journal exactly once.
 */
export async function commitRuns(repo: LedgerRepo, records: RunRecord[], opts: SwapOptions & { now?: () => Date } = {}): Promise<CommitOutcome> {
  const author = ledgerAuthor();
  const todo = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let attempt = 1; attempt <= 20; attempt++) {
    const old = readRef(repo.gitdir, LEDGER_REF);
    const objects = durableObjectFs();
    const reader = new ObjectReader(repo.gitdir);
    const trees = new TreeCache(repo.gitdir, objects.fs, reader);
    let tip = old;
    let root: string | null = null;
    const committed: RunRecord[] = [];
    const existing = new Map<string, RunRecord>();
    try {
      if (old) root = parseCommit(reader.expect(old, 'commit')).tree;
      for (const run of todo) {
        const path = runPath(run.id);
        const found = trees.lookup(root, path);
        if (found) {
          existing.set(run.id, parseRun(reader.expect(found, 'blob').toString('utf8'), path));
          continue;
        }
        const blob = await git.writeBlob({ fs: objects.fs, gitdir: repo.gitdir, blob: Buffer.from(serializeRun(run), 'utf8') });
        root = await trees.put(root, path.split('/'), blob);
        const when = { ...author, timestamp: Math.floor((opts.now?.() ?? new Date()).getTime() / 1000), timezoneOffset: 0 };
        tip = await git.writeCommit({ fs: objects.fs, gitdir: repo.gitdir, commit: { message: commitMessage(run, path), tree: root, parent: tip ? [tip] : [], author: when, committer: when } });
        committed.push(run);
      }
    } finally {
      reader.close();
    }
    if (!committed.length) return { tip: old, committed, existing };
    objects.sync();
    if (await compareAndSwapRef(repo.gitdir, LEDGER_REF, old, tip!, opts)) return { tip, committed, existing };
  }
  throw new LedgerBusy(20);
}

/** Reads trees once and writes changed ones bottom-up; the ledger only ever adds a path, never changes one. */
class TreeCache {
  private readonly read = new Map<string, TreeEntry[]>();

  constructor(
    private readonly gitdir: string,
    private readonly writeFs: typeof fs,
    private readonly reader: ObjectReader,
  ) {}

  entries(oid: string | null): TreeEntry[] {
    if (!oid) return [];
    let e = this.read.get(oid);
    if (!e) {
      e = parseTree(this.reader.expect(oid, 'tree')).map((t) => ({ mode: t.mode === '40000' ? '040000' : t.mode, path: t.name, oid: t.oid, type: t.mode === '40000' ? 'tree' : t.mode === '160000' ? 'commit' : 'blob' }));
      this.read.set(oid, e);
    }
    return e;
  }

  lookup(root: string | null, path: string): string | null {
    let oid = root;
    const parts = path.split('/');
    for (const [i, name] of parts.entries()) {
      const entry = this.entries(oid).find((e) => e.path === name);
      if (!entry) return null;
      const last = i === parts.length - 1;
      if (entry.type !== (last ? 'blob' : 'tree')) throw new LedgerCorrupt(`the ledger has a ${entry.type} at ${parts.slice(0, i + 1).join('/')}`, { path });
      oid = entry.oid;
    }
    return oid;
  }

  async put(tree: string | null, parts: string[], blob: string): Promise<string> {
    const entries = [...this.entries(tree)];
    const [name, ...rest] = parts as [string, ...string[]];
    const at = entries.findIndex((e) => e.path === name);
    if (!rest.length) {
      if (at >= 0) throw new LedgerCorrupt(`the ledger already has ${name}`);
      entries.push({ mode: '100644', path: name, oid: blob, type: 'blob' });
    } else {
      const sub = at >= 0 ? entries[at]! : undefined;
      if (sub && sub.type !== 'tree') throw new LedgerCorrupt(`the ledger has a ${sub.type} where the folder ${name} belongs`);
      const oid = await this.put(sub?.oid ?? null, rest, blob);
      const entry: TreeEntry = { mode: '040000', path: name, oid, type: 'tree' };
      if (sub) entries[at] = entry;
      else entries.push(entry);
    }
    const oid = await git.writeTree({ fs: this.writeFs, gitdir: this.gitdir, tree: entries });
    this.read.set(oid, entries);
    return oid;
  }
}
