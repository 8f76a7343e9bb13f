import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LabCleanupIncomplete } from '../errors/lab.js';
import { tryRun } from './proc.js';

/** File-system edges of the lab: atomic writes, hashing trees, and deleting trees that might have something mounted inside. */

export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Content hash of a directory tree: relative paths, executable bits and bytes, in sorted order. */
export function hashTree(dir: string, h = createHash('sha256'), rel = ''): string {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const p = join(rel, name);
    const st = statSync(join(dir, p));
    if (st.isDirectory()) {
      h.update(`d ${p}\n`);
      hashTree(dir, h, p);
    } else {
      h.update(`f ${p} ${st.mode & 0o111 ? 'x' : '-'} ${st.size}\n`);
      h.update(readFileSync(join(dir, p)));
    }
  }
  return rel === '' ? h.digest('hex') : '';
}

/** Mount points at or below dir, deepest first, as /proc/self/mounts lists them (octal escapes decoded). */
export function mountsBelow(dir: string): string[] {
  const root = resolve(dir);
  const lines = readFileSync('/proc/self/mounts', 'utf8').split('\n');
  const points = lines
    .map((l) => l.split(' ')[1])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === root || p.startsWith(`${root}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Deletes a tree, but first unmounts anything mounted inside it: a recursive delete that walks into a
 * bind mount of /dev or of the image would destroy what it points at.
 */
export async function removeTree(dir: string, lab = '?'): Promise<void> {
  if (!existsSync(dir)) return;
  for (const m of mountsBelow(dir)) await tryRun('umount', ['-l', m]);
  const left = mountsBelow(dir);
  if (left.length) throw new LabCleanupIncomplete(lab, left.map((m) => `mount ${m}`));
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
