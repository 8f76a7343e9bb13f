import * as fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { GitReadError, PlumbError } from '../errors/index.js';
import { missingObjects } from './connectivity.js';
import { boundedHttp } from './pack-limits.js';

/**
 * Fetches one branch of the approved repository over smart HTTP(S) into `root` (created and initialised when
 * missing) and returns the fetched commit. Nothing is checked out: plumb reads commits, and the ledger is written
 * beside them in the same repository. Credentials come from the URL's userinfo or PLUMB_GIT_TOKEN, never from git.
 */
export async function fetchApproved(root: string, url: string, ref: string): Promise<string> {
  if (!fs.existsSync(`${root}/.git`) && !fs.existsSync(`${root}/HEAD`)) {
    fs.mkdirSync(root, { recursive: true });
    await git.init({ fs, dir: root, defaultBranch: ref.replace(/^refs\/heads\//, '') });
  }
  const token = process.env.PLUMB_GIT_TOKEN;
  // isomorphic-git moves the remote-tracking ref before the pack has arrived: a fetch cut short would leave it on a
  // commit the repository does not hold (and `git gc` failing). So the fetch lands on a ref of its own, and the
  // real ones move only once every object reachable from the fetched commit is present and intact.
  const incoming = `plumbline-incoming-${process.pid}`;
  const tracking = `refs/remotes/plumbline/${ref.replace(/^refs\/heads\//, '')}`;
  try {
    // A named remote gives the fetch its refspec; the URL is re-set every time, so it follows the command line.
    await git.addRemote({ fs, dir: root, remote: 'plumbline', url, force: true });
    await git.addRemote({ fs, dir: root, remote: incoming, url, force: true });
    const r = await git.fetch({
      fs,
      // Every pack is checked object by object before isomorphic-git inflates it (pack-limits.ts).
      http: boundedHttp(http),
      dir: root,
      remote: incoming,
      ref,
      remoteRef: ref,
      singleBranch: true,
      tags: false,
      onAuth: token ? () => ({ username: 'x-access-token', password: token }) : undefined,
    });
    if (!r.fetchHead) throw new Error(`the remote has no branch '${ref}'`);
    const before = await git.resolveRef({ fs, dir: root, ref: 'refs/plumbline/approved' }).catch(() => null);
    const missing = await missingObjects(root, r.fetchHead, before);
    if (missing.length) throw new Error(`the fetch ended without ${missing.length} object(s) reachable from ${r.fetchHead.slice(0, 12)} (first: ${missing[0]}); nothing was moved`);
    await git.writeRef({ fs, dir: root, ref: tracking, value: r.fetchHead, force: true });
    // Keep a local name for what was fetched, so `plumb plan --ref plumbline/approved` shows the same commit later.
    await git.writeRef({ fs, dir: root, ref: 'refs/plumbline/approved', value: r.fetchHead, force: true });
    return r.fetchHead;
  } catch (e) {
    if (e instanceof PlumbError) throw e;
    const redacted = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new GitReadError(`cannot fetch '${ref}' from ${redacted}: ${(e as Error).message}`, 'check the URL, the branch name and the credentials (PLUMB_GIT_TOKEN); a fetch cut short moves no ref, so run it again', e);
  } finally {
    await git.deleteRemote({ fs, dir: root, remote: incoming }).catch(() => undefined);
    fs.rmSync(`${gitdirOf(root)}/refs/remotes/${incoming}`, { recursive: true, force: true });
  }
}

function gitdirOf(root: string): string {
  return fs.existsSync(`${root}/.git`) ? `${root}/.git` : root;
}
