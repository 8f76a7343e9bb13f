import * as fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import { ProposalBranchBusy, UsageError } from '../../errors/index.js';
import { compareAndSwapRef, readRef } from '../../ledger/ref-update.js';
import { durableObjectFs, locateRepo } from '../../ledger/repo.js';
import { resolveCommit } from '../../model/source.js';

/**
 * Writing a proposal as a commit on its own branch, the way the ledger writes runs: blobs, trees and the commit
 * through isomorphic-git (fsynced), then the branch moved by compare-and-swap. The working tree, the index and
 * HEAD are never touched, so an administrator's uncommitted work is safe whatever propose does.
 */

export interface ProposalTarget {
  gitdir: string;
  branch: string;
  ref: string;
  /** The branch's commit now (null: it does not exist yet). */
  tip: string | null;
  /** What the proposal builds on: the branch if it exists, else HEAD. */
  base: string;
}

/** Branch names git accepts and no shell or path trick can hide in. */
export function checkBranchName(name: string): void {
  const ok = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(name) && !name.includes('..') && !name.includes('//') && !name.endsWith('/') && !name.endsWith('.lock') && !/(^|\/)\./.test(name);
  if (!ok) throw new UsageError(`'${name}' is not a usable branch name`, 'letters, digits and . _ / -, e.g. plumb/propose-2026-11-25');
}

export async function proposalTarget(repo: string, branch: string): Promise<ProposalTarget> {
  checkBranchName(branch);
  const { gitdir } = await locateRepo(repo);
  const ref = `refs/heads/${branch}`;
  const tip = readRef(gitdir, ref);
  return { gitdir, branch, ref, tip, base: tip ?? (await resolveCommit(repo, 'HEAD')) };
}

/** Paths of the base commit's tree under one folder (to avoid ever overwriting a file). */
export async function pathsUnder(target: ProposalTarget, dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  const { commit } = await git.readCommit({ fs, gitdir: target.gitdir, oid: target.base });
  const walk = async (oid: string, prefix: string) => {
    const { tree } = await git.readTree({ fs, gitdir: target.gitdir, oid });
    for (const e of tree) {
      const p = prefix ? `${prefix}/${e.path}` : e.path;
      if (e.type === 'tree' && (dir.startsWith(`${p}/`) || p === dir || p.startsWith(`${dir}/`))) await walk(e.oid, p);
      else if (e.type === 'blob' && p.startsWith(`${dir}/`)) out.add(p);
    }
  };
  await walk(commit.tree, '');
  return out;
}

/** The commit that adds these files to the base. Writes objects only: nothing points at it until moveBranch. */
export async function writeProposalCommit(target: ProposalTarget, files: ReadonlyArray<{ path: string; text: string }>, message: string, author: { name: string; email: string }, now: Date): Promise<{ commit: string; sync(): void }> {
  const objects = durableObjectFs();
  const { gitdir } = target;
  const { commit } = await git.readCommit({ fs, gitdir, oid: target.base });
  const blobs = new Map<string, string>();
  for (const f of files) blobs.set(f.path, await git.writeBlob({ fs: objects.fs, gitdir, blob: Buffer.from(f.text, 'utf8') }));
  const root = await addFiles(gitdir, objects.fs, commit.tree, blobs);
  const when = { ...author, timestamp: Math.floor(now.getTime() / 1000), timezoneOffset: 0 };
  const oid = await git.writeCommit({ fs: objects.fs, gitdir, commit: { message, tree: root, parent: [target.base], author: when, committer: when } });
  return { commit: oid, sync: () => objects.sync() };
}

/** Points the branch at the commit, only if nobody moved it since proposalTarget read it. */
export async function moveBranch(target: ProposalTarget, commit: string): Promise<void> {
  if (!(await compareAndSwapRef(target.gitdir, target.ref, target.tip, commit))) throw new ProposalBranchBusy(target.branch);
}

/** The tree with these files (path → blob) added, each changed tree written once, bottom-up: no dangling objects. */
async function addFiles(gitdir: string, writeFs: typeof fs, tree: string | null, files: Map<string, string>): Promise<string> {
  const entries: TreeEntry[] = tree ? [...(await git.readTree({ fs, gitdir, oid: tree })).tree] : [];
  const here = new Map<string, string>();
  const below = new Map<string, Map<string, string>>();
  for (const [path, blob] of files) {
    const slash = path.indexOf('/');
    if (slash < 0) here.set(path, blob);
    else {
      const dir = path.slice(0, slash);
      if (!below.has(dir)) below.set(dir, new Map());
      below.get(dir)!.set(path.slice(slash + 1), blob);
    }
  }
  for (const [name, blob] of here) {
    // Never overwrite: the caller picked paths that are free in the base.
    if (entries.some((e) => e.path === name)) throw new Error(`${name} already exists in the proposal's base`);
    entries.push({ mode: '100644', path: name, oid: blob, type: 'blob' });
  }
  for (const [name, sub] of below) {
    const at = entries.findIndex((e) => e.path === name);
    const old = at >= 0 ? entries[at]! : undefined;
    if (old && old.type !== 'tree') throw new Error(`${name} is a file in the proposal's base, not a folder`);
    const entry: TreeEntry = { mode: '040000', path: name, oid: await addFiles(gitdir, writeFs, old?.oid ?? null, sub), type: 'tree' };
    if (old) entries[at] = entry;
    else entries.push(entry);
  }
  return git.writeTree({ fs: writeFs, gitdir, tree: entries });
}
