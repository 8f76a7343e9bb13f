import git from 'isomorphic-git';
import { createHash } from 'node:crypto';
import { LedgerCorrupt } from '../errors/index.js';
import { gitReadFs } from '../model/git-fs.js';
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

interface Entry {
  mode: string;
  name: string;
  oid: string;
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
  const gfs = gitReadFs();
  const cache = {};
  const read = async (oid: string, want: string): Promise<Buffer> => {
    const { type, object } = await git.readObject({ fs: gfs, gitdir: repo.gitdir, oid, format: 'content', cache });
    const bytes = Buffer.from(object as Uint8Array);
    if (type !== want) throw new LedgerCorrupt(`object ${oid} is a ${type}, expected a ${want}`);
    const sum = createHash('sha1').update(`${type} ${bytes.length}\0`).update(bytes).digest('hex');
    if (sum !== oid) throw new LedgerCorrupt(`object ${oid} does not hash to its id (${sum}): it was altered on disk`);
    return bytes;
  };
  const trees = new Map<string, Entry[]>();
  const tree = async (oid: string): Promise<Entry[]> => {
    let e = trees.get(oid);
    if (!e) trees.set(oid, (e = parseTree(await read(oid, 'tree'))));
    return e;
  };
  const added = async (a: string | null, b: string, prefix: string, out: Array<{ path: string; kind: string; oid: string; mode: string }>) => {
    if (a === b) return;
    const ea = new Map((a ? await tree(a) : []).map((e) => [e.name, e]));
    const eb = new Map((await tree(b)).map((e) => [e.name, e]));
    for (const name of new Set([...ea.keys(), ...eb.keys()])) {
      const x = ea.get(name);
      const y = eb.get(name);
      const path = prefix + name;
      if (x && !y) out.push({ path, kind: 'removed', oid: x.oid, mode: x.mode });
      else if (y && (!x || x.oid !== y.oid || x.mode !== y.mode)) {
        if (y.mode === '40000' && (!x || x.mode === '40000')) await added(x?.oid ?? null, y.oid, `${path}/`, out);
        else out.push({ path, kind: x ? 'changed' : 'added', oid: y.oid, mode: y.mode });
      }
    }
  };

  let commits = 0;
  let runs = 0;
  let oid = tip;
  while (oid) {
    commits++;
    const at = (message: string, extra: Partial<LedgerProblem> = {}) => problems.push({ commit: oid!, ...extra, message });
    let commit: { tree: string; parents: string[]; message: string };
    try {
      commit = parseCommit(await read(oid, 'commit'));
    } catch (e) {
      at(`cannot read the commit: ${(e as Error).message}`);
      break;
    }
    if (commit.parents.length > 1) at(`a merge commit (${commit.parents.length} parents): the ledger is a single line of runs`);
    const parent = commit.parents[0] ?? null;
    let parentTree: string | null = null;
    try {
      if (parent) parentTree = parseCommit(await read(parent, 'commit')).tree;
      const changes: Array<{ path: string; kind: string; oid: string; mode: string }> = [];
      await added(parentTree, commit.tree, '', changes);
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
        const text = (await read(c.oid, 'blob')).toString('utf8');
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
    oid = parent;
  }
  const journals = await inspectJournals(repoRoot);
  for (const j of journals) {
    if (j.state === 'conflict') problems.push({ run: j.id, path: j.path, message: 'a journal of a run the ledger holds with a different head was kept aside' });
    else notices.push({ run: j.id, path: j.path, message: `journal ${j.state === 'running' ? 'of a run in progress' : j.state === 'foreign' ? 'written on another machine' : 'of an interrupted run, committed by the next run'}` });
  }
  return { ok: problems.length === 0, tip, commits, runs, problems, notices, journals: journals.map(({ id, path, state }) => ({ id, path, state })) };
}

function parseCommit(bytes: Buffer): { tree: string; parents: string[]; message: string } {
  const text = bytes.toString('utf8');
  const split = text.indexOf('\n\n');
  const headers = (split < 0 ? text : text.slice(0, split)).split('\n');
  const tree = headers.find((h) => h.startsWith('tree '))?.slice(5);
  if (!tree) throw new LedgerCorrupt('a commit without a tree');
  return { tree, parents: headers.filter((h) => h.startsWith('parent ')).map((h) => h.slice(7)), message: split < 0 ? '' : text.slice(split + 2) };
}

/** Raw tree format: `<mode> <name>\0<20-byte id>` repeated. */
function parseTree(bytes: Buffer): Entry[] {
  const out: Entry[] = [];
  let i = 0;
  while (i < bytes.length) {
    const sp = bytes.indexOf(0x20, i);
    const nul = bytes.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > bytes.length) throw new LedgerCorrupt('a malformed tree');
    out.push({ mode: bytes.subarray(i, sp).toString(), name: bytes.subarray(sp + 1, nul).toString('utf8'), oid: bytes.subarray(nul + 1, nul + 21).toString('hex') });
    i = nul + 21;
  }
  return out;
}
