import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGitHistory } from '../../engine/inputs/git-history.js';

/** The dates isomorphic-git reads, against histories the real git made (merges, re-adds, empty repositories). */
describe('git history of remediation files', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const repo = () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-githist-'));
    dirs.push(dir);
    const git = (date: string | null, ...args: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.name=T', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8', env: { ...process.env, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) } }).trim();
    const write = (p: string) => {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), `${p}\n`);
    };
    return { dir, git, write };
  };

  it('written: the author date on the branch; merged: when it landed on the first-parent line', async () => {
    const { dir, git, write } = repo();
    git(null, 'init', '-q', '-b', 'main');
    write('inventory/x.yaml');
    git(null, 'add', '-A');
    git('2026-01-01T00:00:00Z', 'commit', '-q', '-m', 'start');
    git(null, 'checkout', '-q', '-b', 'proposal');
    write('remediations/PLB-1.yaml');
    git(null, 'add', '-A');
    git('2026-01-02T10:00:00Z', 'commit', '-q', '-m', 'PLB-1 proposed');
    git(null, 'checkout', '-q', 'main');
    write('remediations/approvals/A-0.yaml');
    git(null, 'add', '-A');
    git('2026-01-03T00:00:00Z', 'commit', '-q', '-m', 'unrelated approval');
    git('2026-01-04T08:00:00Z', 'merge', '-q', '--no-ff', '-m', 'merge PLB-1', 'proposal');
    const merge = git(null, 'rev-parse', 'HEAD');
    const proposed = git(null, 'rev-parse', 'proposal');
    const h = await readGitHistory(dir, 'HEAD', 'remediations', [merge.slice(0, 12)]);
    expect(h.files['remediations/PLB-1.yaml']).toEqual({ written: '2026-01-02T10:00:00.000Z', writtenCommit: proposed, merged: '2026-01-04T08:00:00.000Z', mergedCommit: merge });
    expect(h.files['remediations/approvals/A-0.yaml']).toMatchObject({ written: '2026-01-03T00:00:00.000Z', merged: '2026-01-03T00:00:00.000Z' });
    expect(h.files['inventory/x.yaml']).toBeUndefined();
    expect(h.commits[merge]).toEqual({ sha: merge, date: '2026-01-04T08:00:00.000Z', author: 'T', subject: 'merge PLB-1' });
    // The branch itself: written, and merged when it was committed there.
    expect((await readGitHistory(dir, 'proposal', 'remediations')).files['remediations/PLB-1.yaml']).toMatchObject({ merged: '2026-01-02T10:00:00.000Z' });
  });

  it('a file removed and added again keeps its first appearance', async () => {
    const { dir, git, write } = repo();
    git(null, 'init', '-q', '-b', 'main');
    write('remediations/PLB-2.yaml');
    git(null, 'add', '-A');
    git('2026-02-01T00:00:00Z', 'commit', '-q', '-m', 'add');
    git(null, 'rm', '-q', 'remediations/PLB-2.yaml');
    git('2026-02-02T00:00:00Z', 'commit', '-q', '-m', 'remove');
    write('remediations/PLB-2.yaml');
    git(null, 'add', '-A');
    git('2026-02-03T00:00:00Z', 'commit', '-q', '-m', 'add again');
    expect((await readGitHistory(dir, 'HEAD', 'remediations')).files['remediations/PLB-2.yaml']).toMatchObject({ written: '2026-02-01T00:00:00.000Z', merged: '2026-02-01T00:00:00.000Z' });
  });

  it('no repository, or no commit yet: an empty history, not an error', async () => {
    const { dir, git } = repo();
    expect(await readGitHistory(dir, 'HEAD', 'remediations')).toEqual({ files: {}, commits: {} });
    git(null, 'init', '-q', '-b', 'main');
    expect(await readGitHistory(dir, 'HEAD', 'remediations')).toEqual({ files: {}, commits: {} });
  });
});
