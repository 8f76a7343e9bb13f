import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const made: string[] = [];
/** A temporary folder removed when the test file is done. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The real git binary, with a fixed identity and no user or system configuration. */
export function git(cwd: string, args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function gitOk(cwd: string, args: string[], input?: string): string {
  const r = git(cwd, args, input);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A working clone with one commit on main, like a desired-state repository someone uses. */
export function workingRepo(): string {
  const dir = tempDir('plumb-ledger-');
  gitOk(dir, ['init', '-q', '-b', 'main']);
  gitOk(dir, ['commit', '-q', '--allow-empty', '-m', 'desired state']);
  return dir;
}

export function bareRepo(): string {
  const dir = tempDir('plumb-ledger-bare-');
  gitOk(dir, ['init', '-q', '--bare']);
  return dir;
}

/** What a person using the clone sees: HEAD, the index file, and git status. */
export function workingState(dir: string): { head: string; index: string; status: string } {
  let index = '';
  try {
    index = `${statSync(join(dir, '.git/index')).mtimeMs}:${readFileSync(join(dir, '.git/index')).toString('hex')}`;
  } catch {
    index = 'none';
  }
  return { head: gitOk(dir, ['rev-parse', 'HEAD']).trim(), index, status: gitOk(dir, ['status', '--porcelain', '--ignored=no']) };
}

/** dist/ must hold the ledger as the sources are now: child processes run the built code. */
export function assertBuilt(): string {
  const main = join(ROOT, 'dist/engine/ledger/index.js');
  const sources = readdirSync(join(ROOT, 'engine/ledger')).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).map((n) => n.slice(0, -3));
  const stale = sources.filter((f) => {
    try {
      return statSync(join(ROOT, `engine/ledger/${f}.ts`)).mtimeMs > statSync(join(ROOT, `dist/engine/ledger/${f}.js`)).mtimeMs;
    } catch {
      return true;
    }
  });
  if (stale.length) throw new Error(`dist/ is older than engine/ledger (${stale.join(', ')}): run \`npm run build\` first (npm test does)`);
  return main;
}
