import git from 'isomorphic-git';
import { GitReadError } from '../errors/index.js';
import type { CommitInfo, FileDates, GitHistory } from '../metrics/types.js';
import { gitReadFs } from '../model/git-fs.js';
import { findGitDir, resolveCommit } from '../model/source.js';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

interface Node {
  oid: string;
  parents: string[];
  authored: number;
  committed: number;
  author: string;
  subject: string;
  /** The folder's tree oid in this commit (undefined: no such folder). */
  folder?: string;
}

/**
 * When each file under `folder` first appeared in the history of `ref`, read through isomorphic-git (no git binary):
 * `written` is the earliest author date of a commit that added it (on whatever branch), `merged` the committer date
 * of the first commit on the ref's first-parent line that has it (when it landed). Renamed files start over: the
 * path is the key. Also returns the commits whose ids start with one of `wanted` (full or abbreviated).
 * An empty history (not a repository, no commit yet) is an empty answer, not an error.
 */
export async function readGitHistory(root: string, ref: string, folder: string, wanted: Iterable<string> = []): Promise<GitHistory> {
  let gitdir: string;
  let head: string;
  const cache = {};
  const fs = gitReadFs();
  try {
    gitdir = await findGitDir(root);
    head = await resolveCommit(root, ref, cache);
  } catch (e) {
    if (e instanceof GitReadError) return { files: {}, commits: {} };
    throw e;
  }
  const nodes = new Map<string, Node>();
  const queue = [head];
  while (queue.length) {
    const oid = queue.pop()!;
    if (nodes.has(oid)) continue;
    let c: Awaited<ReturnType<typeof git.readCommit>>['commit'];
    try {
      ({ commit: c } = await git.readCommit({ fs, gitdir, oid, cache }));
    } catch {
      continue; // a shallow clone's boundary: the history simply starts later
    }
    const root = await git.readTree({ fs, gitdir, oid: c.tree, cache });
    const entry = root.tree.find((e) => e.path === folder && e.type === 'tree');
    nodes.set(oid, { oid, parents: c.parent, authored: c.author.timestamp, committed: c.committer.timestamp, author: c.author.name, subject: c.message.split('\n')[0] ?? '', ...(entry ? { folder: entry.oid } : {}) });
    queue.push(...c.parent);
  }

  // Files of each distinct folder tree, read once: most commits do not touch the folder.
  const listings = new Map<string, Set<string>>();
  const list = async (tree: string | undefined): Promise<Set<string>> => {
    if (!tree) return new Set();
    const known = listings.get(tree);
    if (known) return known;
    const out = new Set<string>();
    const walk = async (oid: string, prefix: string) => {
      for (const e of (await git.readTree({ fs, gitdir, oid, cache })).tree) {
        if (e.type === 'tree') await walk(e.oid, `${prefix}/${e.path}`);
        else if (e.type === 'blob') out.add(`${prefix}/${e.path}`);
      }
    };
    await walk(tree, folder);
    listings.set(tree, out);
    return out;
  };

  const files: Record<string, FileDates> = {};
  for (const n of nodes.values()) {
    const mine = await list(n.folder);
    if (!mine.size) continue;
    const parents = await Promise.all(n.parents.filter((p) => nodes.has(p)).map((p) => (nodes.get(p)!.folder === n.folder ? mine : list(nodes.get(p)!.folder))));
    for (const path of mine) {
      if (parents.some((p) => p.has(path))) continue;
      const before = files[path];
      if (!before || n.authored < Date.parse(before.written) / 1000) files[path] = { written: iso(n.authored), writtenCommit: n.oid };
    }
  }
  const line: Node[] = [];
  for (let n = nodes.get(head); n; n = nodes.get(n.parents[0] ?? '')) line.push(n);
  for (const n of line.reverse()) {
    for (const path of await list(n.folder)) {
      const f = files[path];
      if (f && !f.merged) Object.assign(f, { merged: iso(n.committed), mergedCommit: n.oid });
    }
  }

  const prefixes = [...new Set([...wanted].filter((w) => /^[0-9a-f]{7,40}$/.test(w)))];
  for (const f of Object.values(files)) prefixes.push(f.writtenCommit, ...(f.mergedCommit ? [f.mergedCommit] : []));
  // Looked up by length: the ledger cites full ids and 12-digit abbreviations, so a set per length is enough.
  const byLength = new Map<number, Set<string>>();
  for (const p of prefixes) (byLength.get(p.length) ?? byLength.set(p.length, new Set()).get(p.length)!).add(p);
  const commits: Record<string, CommitInfo> = {};
  for (const n of nodes.values()) {
    if ([...byLength].some(([len, set]) => set.has(n.oid.slice(0, len)))) commits[n.oid] = { sha: n.oid, date: iso(n.committed), author: n.author, subject: n.subject };
  }
  return { files, commits };
}
