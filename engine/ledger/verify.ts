import { ObjectReader, parseCommit, parseTree, type TreeEntry } from './objects.js';
import { parseRun, serializeRun } from './record-file.js';
import { inspectJournals, type JournalInfo } from './recover.js';
import { readRef } from './ref-update.js';
import { locateRepo } from './repo.js';
import { isRunId } from './run-id.js';
import { LEDGER_REF } from './types.js';

export interface LedgerProblem {
  commit?: string;
  run?: string;
  path?: string;
  message: string;
}

export interface LedgerReport {
  /** No problem: the chain holds and every record is what plumb wrote. */
  ok: boolean;
  tip: string | null;
  commits: number;
  runs: number;
  problems: LedgerProblem[];
  /** Worth knowing, not wrong: runs recorded from damaged journals, journals waiting for recovery. */
  notices: LedgerProblem[];
  journals: Array<Pick<JournalInfo, 'id' | 'path' | 'state'>>;
}

const RUN_FILE = /^runs\/(\d{4})\/(\d{2})\/(\d{2})\/([^/]+)\.json$/;

/**
 * Walks the ledger from its tip to its first commit and checks what append-only means: every commit has one
 * parent (the previous run) and adds exactly one file, runs/YYYY/MM/DD/<id>.json, changing nothing else; every
 * object's content hashes to its id; every record parses, is in the canonical form plumb writes, and names the run
 * its path and commit message name. Journals left in .plumb/journal are listed too.
 */
export async function verifyLedger(repoRoot: string): Promise<LedgerReport> {
  const repo = await locateRepo(repoRoot);
  const problems: LedgerProblem[] = [];
  const notices: LedgerProblem[] = [];
  const tip = readRef(repo.gitdir, LEDGER_REF);
  const objects = new ObjectReader(repo.gitdir);
  const trees = new Map<string, TreeEntry[]>();
  const tree = (oid: string): TreeEntry[] => {
    let e = trees.get(oid);
    if (!e) trees.set(oid, (e = parseTree(objects.expect(oid, 'tree'))));
    return e;
  };
  const commits = new Map<string, ReturnType<typeof parseCommit>>();
  const commitOf = (oid: string) => {
    let c = commits.get(oid);
    if (!c) commits.set(oid, (c = parseCommit(objects.expect(oid, 'commit'))));
    return c;
  };
  const added = (a: string | null, b: string, prefix: string, out: Array<{ path: string; kind: string; oid: string; mode: string }>) => {
    if (a === b) return;
    const ea = new Map((a ? tree(a) : []).map((e) => [e.name, e]));
    const eb = new Map(tree(b).map((e) => [e.name, e]));
    for (const name of new Set([...ea.keys(), ...eb.keys()])) {
      const x = ea.get(name);
      const y = eb.get(name);
      const path = prefix + name;
      if (x && !y) out.push({ path, kind: 'removed', oid: x.oid, mode: x.mode });
      else if (y && (!x || x.oid !== y.oid || x.mode !== y.mode)) {
        if (y.mode === '40000' && (!x || x.mode === '40000')) added(x?.oid ?? null, y.oid, `${path}/`, out);
        else out.push({ path, kind: x ? 'changed' : 'added', oid: y.oid, mode: y.mode });
      }
    }
  };

  let count = 0;
  let runs = 0;
  let oid = tip;
  while (oid) {
    count++;
    const at = (message: string, extra: Partial<LedgerProblem> = {}) => problems.push({ commit: oid!, ...extra, message });
    let commit: { tree: string; parents: string[]; message: string };
    try {
      commit = commitOf(oid);
      commits.delete(oid); // walked once: keep memory flat on long ledgers
    } catch (e) {
      at(`cannot read the commit: ${(e as Error).message}`);
      break;
    }
    if (commit.parents.length > 1) at(`a merge commit (${commit.parents.length} parents): the ledger is a single line of runs`);
    const parent = commit.parents[0] ?? null;
    let parentTree: string | null = null;
    try {
      if (parent) parentTree = commitOf(parent).tree;
      const changes: Array<{ path: string; kind: string; oid: string; mode: string }> = [];
      added(parentTree, commit.tree, '', changes);
      const adds = changes.filter((c) => c.kind === 'added');
      for (const c of changes.filter((c) => c.kind !== 'added')) at(`${c.path}${c.mode === '40000' ? '/ (with every run in it)' : ''} was ${c.kind}: runs are only ever added`, { path: c.path });
      if (adds.length !== 1) at(`adds ${adds.length} files; each ledger commit adds one run`);
      for (const c of adds) {
        runs++;
        const m = RUN_FILE.exec(c.path);
        const id = m?.[4];
        if (!m || !id || !isRunId(id) || `${m[1]}${m[2]}${m[3]}` !== id.slice(0, 8)) {
          at(`${c.path} is not where a run record belongs (runs/YYYY/MM/DD/<run id>.json)`, { path: c.path });
          continue;
        }
        if (c.mode !== '100644') at(`${c.path} has mode ${c.mode}`, { path: c.path, run: id });
        const text = objects.expect(c.oid, 'blob').toString('utf8');
        try {
          const run = parseRun(text, c.path);
          if (run.id !== id) at(`${c.path} holds run ${run.id}`, { path: c.path, run: id });
          if (serializeRun(run) !== text) at(`${c.path} is not in the form plumb writes: it was edited`, { path: c.path, run: id });
          if (run.journal && run.journal.status !== 'intact') notices.push({ commit: oid, run: id, message: `recorded from a ${run.journal.status} journal: ${(run.journal.problems ?? []).join('; ')}` });
        } catch (e) {
          at((e as Error).message, { path: c.path, run: id });
        }
        if (!commit.message.startsWith(`run ${id}:`) || !commit.message.includes(`\nPlumb-Run: ${id}\n`)) at(`the commit message does not name run ${id}`, { run: id });
      }
    } catch (e) {
      at(`cannot read its trees: ${(e as Error).message}`);
      break;
    }
    // A commit's trees are needed again only by the next round, as its parent's: keep memory bounded on long ledgers.
    if (trees.size > 20_000) trees.clear();
    oid = parent;
  }
  objects.close();
  const journals = await inspectJournals(repoRoot);
  for (const j of journals) {
    if (j.state === 'conflict') problems.push({ run: j.id, path: j.path, message: 'a journal of a run the ledger holds with a different head was kept aside' });
    else notices.push({ run: j.id, path: j.path, message: `journal ${j.state === 'running' ? 'of a run in progress' : j.state === 'foreign' ? 'written on another machine' : 'of an interrupted run, committed by the next run'}` });
  }
  return { ok: problems.length === 0, tip, commits: count, runs, problems, notices, journals: journals.map(({ id, path, state }) => ({ id, path, state })) };
}
