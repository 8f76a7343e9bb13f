import * as fs from 'node:fs';
import { join } from 'node:path';
import { LedgerCorrupt, UsageError } from '../errors/index.js';
import { ObjectReader, parseCommit, parseTree } from './objects.js';
import { parseRun } from './record-file.js';
import { readRef } from './ref-update.js';
import { ensureStateDir, locateRepo, writeFileAtomic, type LedgerRepo } from './repo.js';
import { isRunId } from './run-id.js';
import { overlaySettlements } from './settle.js';
import { LEDGER_REF, type RunRecord } from './types.js';

export interface LedgerEntry {
  /** `runs/YYYY/MM/DD/<id>.json` on the ledger ref. */
  path: string;
  blob: string;
  run: RunRecord;
}

export interface Ledger {
  /** The ledger ref's commit, null when no run has been recorded yet. */
  tip: string | null;
  /**
   * Every run on the ledger in ledger order: the order of the commits that added them, oldest first. Not by start
   * time: a controller whose clock ran ahead must not put its run above later ones.
   */
  entries: LedgerEntry[];
}

const CACHE_VERSION = 2;
const CACHE_FILE = 'ledger-runs.json';

interface CacheDoc {
  v: number;
  tip: string;
  /** Tree oid of every folder read, by path: a folder whose oid did not change holds the same runs. */
  dirs: Record<string, string>;
  /** Record paths in the order their commits were made (first parent from the tip). */
  order: string[];
  entries: LedgerEntry[];
}

/**
 * Reads every run on the ledger ref. Only what changed since the last read is read from git: the cache in
 * .plumb/cache remembers each folder's tree oid, and a folder with the same oid holds the same runs (git's
 * hashes guarantee it), so a new run costs five tree reads and one blob.
 */
export async function readLedger(repoRoot: string): Promise<Ledger> {
  const repo = await locateRepo(repoRoot);
  const tip = readRef(repo.gitdir, LEDGER_REF);
  if (!tip) return { tip: null, entries: [] };
  const cached = loadCache(repo);
  if (cached?.tip === tip) return { tip, entries: cached.entries };
  const objects = new ObjectReader(repo.gitdir);
  const oldDirs = cached?.dirs ?? {};
  const oldByDir = new Map<string, LedgerEntry[]>();
  for (const e of cached?.entries ?? []) {
    const dir = e.path.slice(0, e.path.lastIndexOf('/'));
    const list = oldByDir.get(dir);
    if (list) list.push(e);
    else oldByDir.set(dir, [e]);
  }
  const dirs: Record<string, string> = {};
  const entries: LedgerEntry[] = [];
  const walk = (path: string, oid: string, depth: number): void => {
    dirs[path] = oid;
    if (oldDirs[path] === oid) {
      // Same tree, same runs below it: take them (and their folders) from the cache.
      const below = path ? `${path}/` : '';
      for (const [p, o] of Object.entries(oldDirs)) if (p.startsWith(below)) dirs[p] = o;
      for (const [d, list] of oldByDir) if (d === path || d.startsWith(below)) entries.push(...list);
      return;
    }
    for (const e of parseTree(objects.expect(oid, 'tree'))) {
      const p = path ? `${path}/${e.name}` : e.name;
      if (depth < 4 && e.mode === '40000' && (depth > 0 || e.name === 'runs')) walk(p, e.oid, depth + 1);
      else if (depth === 4 && e.mode !== '40000' && e.name.endsWith('.json') && isRunId(e.name.slice(0, -5))) {
        const text = objects.expect(e.oid, 'blob').toString('utf8');
        entries.push({ path: p, blob: e.oid, run: parseRun(text, `${LEDGER_REF}:${p}`) });
      }
      // Anything else does not belong on the ledger; `plumb history --verify` reports it.
    }
  };
  let order: string[];
  try {
    walk('', parseCommit(objects.expect(tip, 'commit')).tree, 0);
    order = commitOrder(objects, tip, cached);
  } catch (e) {
    if (e instanceof LedgerCorrupt) throw e;
    throw new LedgerCorrupt(`cannot read the ledger at ${tip.slice(0, 12)}: ${(e as Error).message}`, { tip }, e);
  } finally {
    objects.close();
  }
  const position = new Map(order.map((p, i) => [p, i]));
  // A file no commit names (a hand-made commit; --verify reports it) goes last, by id.
  const pos = (e: LedgerEntry) => position.get(e.path) ?? Number.MAX_SAFE_INTEGER;
  entries.sort((a, b) => pos(a) - pos(b) || (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0));
  saveCache(repo, { v: CACHE_VERSION, tip, dirs, order, entries });
  return { tip, entries };
}

/**
 * The record paths in commit order, oldest first: the `Plumb-Record:` trailer of each commit along the first parent
 * from the tip, down to the tip the cache knew (whose order it holds) or the first commit.
 */
function commitOrder(objects: ObjectReader, tip: string, cached: CacheDoc | undefined): string[] {
  const newer: string[] = [];
  let known: string[] = [];
  const seen = new Set<string>();
  for (let at: string | undefined = tip; at; ) {
    if (cached && at === cached.tip) {
      known = cached.order;
      break;
    }
    if (seen.has(at)) throw new LedgerCorrupt(`the ledger's history loops at ${at.slice(0, 12)}`, { tip });
    seen.add(at);
    const c = parseCommit(objects.expect(at, 'commit'));
    const m = /^Plumb-Record: (\S+)$/m.exec(c.message);
    if (m) newer.push(m[1]!);
    at = c.parents[0];
  }
  return [...known, ...newer.reverse()];
}

export interface ReadRunsOptions {
  /** Only runs that touched this host, each narrowed to this host's record. */
  host?: string;
  /** Only runs started at or after this time (ISO date or date-time) or run id. */
  since?: string;
}

/**
 * Every run on the ledger, in ledger order (oldest first), optionally for one host and from a point in time, with the
 * outcomes later runs settled laid over the runs they concern (ledger/settle.ts).
 */
export async function readRuns(repoRoot: string, opts: ReadRunsOptions = {}): Promise<RunRecord[]> {
  const since = opts.since === undefined ? undefined : sinceFilter(opts.since);
  const runs: RunRecord[] = [];
  for (const run of overlaySettlements((await readLedger(repoRoot)).entries.map((e) => e.run))) {
    if (since && !since(run)) continue;
    if (opts.host === undefined) runs.push(run);
    else {
      const hosts = run.hosts.filter((h) => h.host === opts.host);
      if (hosts.length) runs.push({ ...run, hosts });
    }
  }
  return runs;
}

export function sinceFilter(since: string): (r: RunRecord) => boolean {
  if (isRunId(since)) return (r) => r.id >= since;
  const t = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(since) ? Date.parse(since.length === 10 ? `${since}T00:00:00Z` : since) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--since '${since}' is neither a date, a date-time nor a run id`, 'for example --since 2026-11-01, --since 2026-11-25T14:00Z or --since 20261125T143000Z-ab12cd');
  return (r) => Date.parse(r.startedAt) >= t;
}

function loadCache(repo: LedgerRepo): CacheDoc | undefined {
  try {
    const doc = JSON.parse(fs.readFileSync(join(repo.stateDir, 'cache', CACHE_FILE), 'utf8')) as CacheDoc;
    // Anything odd and the cache is ignored: it is only ever a shortcut to what git holds.
    const sane =
      doc?.v === CACHE_VERSION &&
      typeof doc.tip === 'string' &&
      Array.isArray(doc.order) &&
      doc.dirs !== null &&
      typeof doc.dirs === 'object' &&
      Array.isArray(doc.entries) &&
      doc.entries.every((e) => typeof e?.path === 'string' && typeof e.blob === 'string' && typeof e.run?.id === 'string' && Array.isArray(e.run.hosts));
    return sane ? doc : undefined;
  } catch {
    return undefined;
  }
}

function saveCache(repo: LedgerRepo, doc: CacheDoc): void {
  try {
    // A cache needs no fsync: lost, it is rebuilt from git.
    writeFileAtomic(join(ensureStateDir(repo, 'cache'), CACHE_FILE), JSON.stringify(doc), { sync: false });
  } catch {
    /* a read-only repository is read without a cache */
  }
}
