import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { findGitDir } from '../model/source.js';

export interface LedgerRepo {
  /** Where refs and objects live (for a linked worktree: the common git directory). */
  gitdir: string;
  /** The working tree's top folder; for a bare repository, the repository itself. */
  top: string;
  /** `<top>/.plumb`: journals and caches of this machine, never committed. */
  stateDir: string;
}

export async function locateRepo(root: string): Promise<LedgerRepo> {
  const found = await findGitDir(root);
  let gitdir = found;
  // A linked worktree has its own HEAD but shares refs and objects through `commondir`.
  const common = readOr(join(found, 'commondir'));
  if (common) gitdir = resolve(found, common);
  let top = found;
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    if (fs.existsSync(join(dir, '.git'))) {
      top = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return { gitdir, top, stateDir: join(top, '.plumb') };
}

function readOr(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates a folder (and its parents) durably: each new folder's entry is fsynced in its parent, so that a file
 * fsynced inside it survives a power loss together with the path that leads to it.
 */
export function mkdirDurable(dir: string): void {
  if (fs.existsSync(dir)) return;
  mkdirDurable(dirname(dir));
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  fsyncDir(dirname(dir));
}

/**
 * `.plumb/` holds this machine's journals and caches. Desired-state repositories other than ours may not ignore it,
 * so it ignores itself: a `.gitignore` of `*` inside keeps `git status` clean without touching the user's files.
 */
export function ensureStateDir(repo: LedgerRepo, sub: string): string {
  const dir = join(repo.stateDir, sub);
  mkdirDurable(dir);
  const ignore = join(repo.stateDir, '.gitignore');
  if (!fs.existsSync(ignore)) writeFileAtomic(ignore, '# written by plumb: this folder holds local journals and caches\n*\n');
  return dir;
}

/** Writes a file whole or not at all: a temporary file, fsynced, renamed over the target, the folder fsynced. */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: { sync?: boolean } = {}): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    fs.writeFileSync(fd, data);
    if (opts.sync !== false) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (opts.sync !== false) fsyncDir(dirname(path));
}

/**
 * The node fs for isomorphic-git's object writes, made crash-safe. isomorphic-git writes a loose object in place
 * and never rewrites one that exists, so a kill in mid-write would leave a truncated object forever. Here every
 * object appears whole (temporary file + fsync + rename); `sync()` then fsyncs the folders that received
 * objects, before the ledger ref may point at them.
 */
export function durableObjectFs(): { fs: typeof fs; sync(): void } {
  const dirs = new Set<string>();
  const writeFile = (async (p: fs.PathLike, data: Uint8Array | string) => {
    const path = String(p);
    // Named like git's own temporaries: fsck ignores them and `git gc` removes any a kill left behind.
    const tmp = join(dirname(path), `tmp_obj_plumb${process.pid}_${randomBytes(4).toString('hex')}`);
    const fh = await fs.promises.open(tmp, 'wx', 0o444);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, path);
    dirs.add(dirname(path));
    dirs.add(dirname(dirname(path)));
  }) as typeof fs.promises.writeFile;
  return {
    fs: { ...fs, promises: { ...fs.promises, writeFile } } as typeof fs,
    sync() {
      for (const d of dirs) fsyncDir(d);
      dirs.clear();
    },
  };
}
