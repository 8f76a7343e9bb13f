import { findGitDir } from './source.js';
import { ObjectReader, parseCommit, parseTree } from '../ledger/objects.js';

/**
 * Objects reachable from `head` that the repository does not hold (or holds damaged), walking commits back to
 * `known` (a commit whose history was verified before: the previous fetch's) and skipping the trees it reaches.
 * Empty when everything is present. Every object is read and checked against its id.
 */
export async function missingObjects(root: string, head: string, known?: string | null): Promise<string[]> {
  const reader = new ObjectReader(await findGitDir(root));
  const missing: string[] = [];
  const seen = new Set<string>();
  const readOr = (oid: string, type: 'commit' | 'tree' | 'blob'): Buffer | null => {
    try {
      return reader.expect(oid, type);
    } catch {
      missing.push(oid);
      return null;
    }
  };
  try {
    // The trees of the known commit were verified when it was fetched: their subtrees need no second look.
    if (known) {
      try {
        for (const t of walkTrees(reader, parseCommit(reader.expect(known, 'commit')).tree)) seen.add(t);
      } catch {
        /* the known commit is gone: nothing is skipped */
      }
    }
    const commits = [head];
    const doneCommits = new Set<string>(known ? [known] : []);
    while (commits.length) {
      const oid = commits.pop()!;
      if (doneCommits.has(oid)) continue;
      doneCommits.add(oid);
      const data = readOr(oid, 'commit');
      if (!data) continue;
      const c = parseCommit(data);
      commits.push(...c.parents);
      const trees = [c.tree];
      while (trees.length) {
        const t = trees.pop()!;
        if (seen.has(t)) continue;
        seen.add(t);
        const tree = readOr(t, 'tree');
        if (!tree) continue;
        for (const e of parseTree(tree)) {
          if (e.mode === '40000') trees.push(e.oid);
          else if (e.mode !== '160000' && !seen.has(e.oid)) {
            seen.add(e.oid);
            readOr(e.oid, 'blob');
          }
        }
      }
    }
  } finally {
    reader.close();
  }
  return missing;
}

/** Ids of the trees under a root tree that can be read (one that cannot is not listed, so it is not skipped later). */
function walkTrees(reader: ObjectReader, root: string): string[] {
  const out: string[] = [];
  const todo = [root];
  while (todo.length) {
    const t = todo.pop()!;
    try {
      const entries = parseTree(reader.expect(t, 'tree'));
      out.push(t);
      for (const e of entries) if (e.mode === '40000') todo.push(e.oid);
    } catch {
      /* not present */
    }
  }
  return out;
}
