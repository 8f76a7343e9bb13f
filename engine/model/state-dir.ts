import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `.plumb/` in a repository holds this machine's caches, locks and journals. Desired-state repositories do not
 * necessarily ignore it, so it ignores itself: a `.gitignore` of `*` inside keeps `git status` clean and keeps
 * `git add -A` from committing machine state. (engine/ledger/repo.ts does the same, durably, for journals.)
 */
export function plumbDir(root: string, ...sub: string[]): string {
  const top = join(root, '.plumb');
  const dir = join(top, ...sub);
  mkdirSync(dir, { recursive: true });
  const ignore = join(top, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# written by plumb: this folder holds local journals and caches\n*\n');
  return dir;
}
