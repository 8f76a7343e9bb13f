import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { findGitDir } from '../model/source.js';

/** When a commit was made (committer time, ms), or null when it cannot be read. */
export async function commitTime(root: string, commit: string): Promise<number | null> {
  try {
    const gitdir = await findGitDir(root);
    const { commit: c } = await git.readCommit({ fs, gitdir, oid: commit });
    return c.committer.timestamp * 1000;
  } catch {
    return null;
  }
}
