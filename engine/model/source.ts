import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import git from 'isomorphic-git';
import { GitReadError, PlumbError } from '../errors/index.js';
import { gitReadFs } from './git-fs.js';

/** The folders that hold desired state; everything else in the repository is ignored by the loader. */
export const STATE_DIRS = ['inventory', 'baselines', 'remediations'] as const;

export interface SourceFile {
  /** Repository-relative path with forward slashes. */
  path: string;
  bytes: Uint8Array;
  /** Content id: the git blob id for a commit, sha256 of the bytes for the working tree. */
  id?: string;
  /** The caller already knows this content (ReadOptions.known): bytes were not read. */
  known?: boolean;
  /** Bytes not read yet: `readBlobs` fills them in, from `gitdir`. */
  deferred?: { gitdir: string };
  /** Set instead of bytes when the file could not be read safely (too large, a symlink …). */
  refused?: string;
}

export interface Snapshot {
  /** Commit the files were read from; null for the working tree. */
  commit: string | null;
  files: SourceFile[];
}

export interface ReadOptions {
  maxBytes?: number;
  /** Content the caller has already checked (by path and content id): its bytes need not be read. */
  known?: (path: string, id: string) => boolean;
  /** Folders to read (defaults to STATE_DIRS). */
  dirs?: readonly string[];
}

const isYaml = (p: string) => p.endsWith('.yaml') || p.endsWith('.yml');

/** Reads the desired state from the working tree under `root`. */
export function readWorktree(root: string, opts: ReadOptions = {}): Snapshot {
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const files: SourceFile[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (isYaml(e.name)) {
        if (e.isSymbolicLink()) {
          // A link could point anywhere on the control machine (/etc/shadow); desired state is plain files only.
          files.push({ path: r, bytes: new Uint8Array(), refused: 'is a symbolic link; desired state must be plain files' });
          continue;
        }
        if (!e.isFile()) continue;
        const size = fs.statSync(path.join(root, r)).size;
        if (size > maxBytes) {
          files.push({ path: r, bytes: new Uint8Array(), refused: `file is ${size} bytes; the limit is ${maxBytes}` });
          continue;
        }
        const bytes = fs.readFileSync(path.join(root, r));
        files.push({ path: r, bytes, id: createHash('sha256').update(bytes).digest('hex') });
      }
    }
  };
  for (const d of opts.dirs ?? STATE_DIRS) walk(d);
  return { commit: null, files };
}

/** Resolves a ref (branch, tag, HEAD, full or abbreviated SHA) to a commit SHA. */
export async function resolveCommit(root: string, ref: string, cache: object = {}): Promise<string> {
  const gitdir = await findGitDir(root);
  try {
    if (/^[0-9a-f]{4,40}$/i.test(ref)) {
      try {
        return await git.expandOid({ fs, gitdir, oid: ref.toLowerCase(), cache });
      } catch {
        /* not an object id: try it as a ref name below */
      }
    }
    const oid = await git.resolveRef({ fs, gitdir, ref });
    // An annotated tag points at a tag object; peel it to the commit.
    const { type, object } = await git.readObject({ fs, gitdir, oid, cache });
    if (type === 'tag') return (object as { object: string }).object;
    return oid;
  } catch (e) {
    throw new GitReadError(`cannot resolve '${ref}' in ${root}`, 'name a branch, tag or commit that exists: `git log --oneline` lists them', e);
  }
}

/** Reads the desired state as it is in a commit, without the git binary. */
export async function readCommit(root: string, ref: string, opts: ReadOptions = {}): Promise<Snapshot> {
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const gitdir = await findGitDir(root);
  const cache = {};
  const commit = await resolveCommit(root, ref, cache);
  const gfs = gitReadFs();
  const { commit: c } = await git.readCommit({ fs: gfs, gitdir, oid: commit, cache });
  const { tree } = await git.readTree({ fs: gfs, gitdir, oid: c.tree, cache });
  const wanted = new Set(opts.dirs ?? STATE_DIRS);
  // Trees first (few), then every blob with bounded parallelism: reads are async, so a serial loop would idle.
  const blobs: Array<{ path: string; oid: string; mode: string }> = [];
  const walk = async (oid: string, prefix: string) => {
    const { tree: entries } = await git.readTree({ fs: gfs, gitdir, oid, cache });
    for (const e of entries) {
      const p = `${prefix}/${e.path}`;
      if (e.type === 'tree') await walk(e.oid, p);
      else if (e.type === 'blob' && isYaml(e.path)) blobs.push({ path: p, oid: e.oid, mode: e.mode });
    }
  };
  for (const e of tree.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (e.type === 'tree' && wanted.has(e.path)) await walk(e.oid, e.path);
  }
  const files: SourceFile[] = blobs.map((b) => {
    if (b.mode === '120000') return { path: b.path, bytes: new Uint8Array(), refused: 'is a symbolic link; desired state must be plain files' };
    if (opts.known?.(b.path, b.oid)) return { path: b.path, bytes: new Uint8Array(), id: b.oid, known: true };
    return { path: b.path, bytes: new Uint8Array(), id: b.oid, deferred: { gitdir } };
  });
  await readBlobs(files, maxBytes, gfs, cache);
  return { commit, files };
}

/** Reads the bytes of deferred files in place, with bounded parallelism (reads are async: a serial loop would idle). */
export async function readBlobs(files: SourceFile[], maxBytes: number, gfs: typeof fs = gitReadFs(), cache: object = {}): Promise<void> {
  const todo = files.filter((f) => f.deferred);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const f = todo[next++]!;
      const { blob } = await git.readBlob({ fs: gfs, gitdir: f.deferred!.gitdir, oid: f.id!, cache });
      delete f.deferred;
      if (blob.length > maxBytes) f.refused = `file is ${blob.length} bytes; the limit is ${maxBytes}`;
      else f.bytes = blob;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

/** The .git directory of the repository containing `root` (walks up like git does). */
export async function findGitDir(root: string): Promise<string> {
  let dir = path.resolve(root);
  for (;;) {
    const candidate = path.join(dir, '.git');
    if (fs.existsSync(candidate)) {
      if (fs.statSync(candidate).isDirectory()) return candidate;
      // A worktree or submodule: .git is a file "gitdir: <path>".
      const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(candidate, 'utf8'));
      if (m) return path.resolve(dir, m[1]!.trim());
    }
    if (fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects'))) return dir; // bare repository
    const up = path.dirname(dir);
    if (up === dir) throw new GitReadError(`${root} is not inside a git repository`, 'run plumb from a clone of your desired-state repository, or pass --repo');
    dir = up;
  }
}

/** Why a repository file plumb reads beside the YAML (a KEV catalog, an artifact, a keyring) was refused. */
export class RepoFileRefused extends PlumbError {
  constructor(path: string, reason: string) {
    super('E_REPO_FILE_REFUSED', `${path} ${reason}`, { hint: 'every file the desired state names must be a plain file inside the repository', data: { path, reason } });
  }
}

/** The same refusal the loader gives a symlinked YAML file. */
const LINK = 'is a symbolic link; desired state must be plain files';

/**
 * One file of the repository as it is in a commit (null: the working tree), or null when it does not exist. Every
 * file the model reads beside its YAML comes through here, under the YAML's own rules: the path must stay inside the
 * repository (relative, no `..`), no component may be a symbolic link (in the working tree: lstat of each, and the
 * last opened with O_NOFOLLOW; in a commit: a tree entry of mode 120000), and it must be a plain file of at most
 * `maxBytes`. A refusal throws RepoFileRefused with the reason.
 */
export async function readRepoFile(root: string, commit: string | null, rel: string, opts: { maxBytes?: number } = {}): Promise<Buffer | null> {
  const maxBytes = opts.maxBytes ?? 256 * 2 ** 20;
  const parts = rel.split('/');
  if (rel.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) throw new RepoFileRefused(rel, 'is not a path inside the repository');
  if (!commit) {
    let at = path.resolve(root);
    for (const [i, p] of parts.entries()) {
      at = path.join(at, p);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(at);
      } catch {
        return null;
      }
      if (st.isSymbolicLink()) throw new RepoFileRefused(rel, i === parts.length - 1 ? LINK : `has a symbolic link in its path (${parts.slice(0, i + 1).join('/')}); desired state must be plain files`);
      if (i < parts.length - 1 && !st.isDirectory()) return null;
      if (i === parts.length - 1 && !st.isFile()) throw new RepoFileRefused(rel, 'is not a plain file');
      if (i === parts.length - 1 && st.size > maxBytes) throw new RepoFileRefused(rel, `is ${st.size} bytes; the limit is ${maxBytes}`);
    }
    let fd: number;
    try {
      fd = fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new RepoFileRefused(rel, LINK);
      return null;
    }
    try {
      return fs.readFileSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  const gitdir = await findGitDir(root);
  const cache = {};
  let oid: string;
  try {
    oid = (await git.readCommit({ fs, gitdir, oid: commit, cache })).commit.tree;
  } catch (e) {
    throw new GitReadError(`cannot read commit ${commit.slice(0, 12)}`, undefined, e);
  }
  for (const [i, p] of parts.entries()) {
    const { tree } = await git.readTree({ fs, gitdir, oid, cache });
    const entry = tree.find((e) => e.path === p);
    if (!entry) return null;
    if (entry.mode === '120000') throw new RepoFileRefused(rel, i === parts.length - 1 ? LINK : `has a symbolic link in its path (${parts.slice(0, i + 1).join('/')}); desired state must be plain files`);
    if (i < parts.length - 1) {
      if (entry.type !== 'tree') return null;
    } else if (entry.type !== 'blob') throw new RepoFileRefused(rel, 'is not a plain file');
    oid = entry.oid;
  }
  const { blob } = await git.readBlob({ fs, gitdir, oid, cache });
  if (blob.length > maxBytes) throw new RepoFileRefused(rel, `is ${blob.length} bytes; the limit is ${maxBytes}`);
  return Buffer.from(blob);
}
