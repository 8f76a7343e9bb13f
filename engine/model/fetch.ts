import * as fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { GitReadError, PlumbError } from '../errors/index.js';
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
  try {
    // A named remote gives the fetch its refspec; the URL is re-set every time, so it follows the command line.
    await git.addRemote({ fs, dir: root, remote: 'plumbline', url, force: true });
    const r = await git.fetch({
      fs,
      // Every pack is checked object by object before isomorphic-git inflates it (pack-limits.ts).
      http: boundedHttp(http),
      dir: root,
      remote: 'plumbline',
      ref,
      remoteRef: ref,
      singleBranch: true,
      tags: false,
      onAuth: token ? () => ({ username: 'x-access-token', password: token }) : undefined,
    });
    if (!r.fetchHead) throw new Error(`the remote has no branch '${ref}'`);
    // Keep a local name for what was fetched, so `plumb plan --ref plumbline/approved` shows the same commit later.
    await git.writeRef({ fs, dir: root, ref: 'refs/plumbline/approved', value: r.fetchHead, force: true });
    return r.fetchHead;
  } catch (e) {
    if (e instanceof PlumbError) throw e;
    const redacted = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new GitReadError(`cannot fetch '${ref}' from ${redacted}: ${(e as Error).message}`, 'check the URL, the branch name and the credentials (PLUMB_GIT_TOKEN)', e);
  }
}
