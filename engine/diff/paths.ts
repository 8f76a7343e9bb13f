import type { DirFact } from '../facts/types.js';

/**
 * Why plumb may not change `path` on a host, judged from its facts: the same rule safe-path.pl enforces when it acts
 * (engine/apply/README.md, "Symlink-safe file changes"), so that the plan shows the refusal before apply meets it.
 * Every directory above the path must be a real directory, owned by root or by the path's declared owner, and not
 * writable by others. A directory that does not exist yet is fine: apply creates it (root, 0755). Pure.
 */
export function parentProblem(path: string, dirs: Record<string, DirFact> | undefined, owner?: string): string | undefined {
  if (!dirs) return undefined;
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  let at = '';
  for (const d of ['/', ...parts.map((p) => (at += `/${p}`))]) {
    const f = dirs[d];
    if (!f) return undefined;
    if (f.type === 'symlink') return `parent ${d} is a symbolic link${f.target ? ` to ${f.target}` : ''}`;
    if (f.type !== 'directory') return `parent ${d} is not a directory`;
    if (f.owner !== 'root' && f.owner !== owner) return `parent ${d} is owned by ${f.owner}, not by root${owner ? ` or by the declared owner ${owner}` : ''}`;
    if (/[2367]$/.test(f.mode)) return `parent ${d} is writable by others (mode ${f.mode})`;
  }
  return undefined;
}
