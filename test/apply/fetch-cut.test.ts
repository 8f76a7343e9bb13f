import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApproved } from '../../engine/model/fetch.js';
import { serveGit } from '../support/git-http.js';

/**
 * A fetch cut short in the middle of the pack (the server's connection dropped after a few kilobytes, as a proxy
 * timeout or a network cut would): no ref moves, so `git gc` and `git fsck` stay clean, and the next whole fetch
 * lands. Real git http-backend on loopback; no lab.
 */
describe('a fetch cut short', () => {
  const dirs: string[] = [];
  const tmp = (p: string) => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  let bare: string;
  let head: string;
  beforeAll(() => {
    const src = tmp('plumb-fetch-src-');
    execFileSync('git', ['init', '-q', '-b', 'main', src]);
    // Enough incompressible content that the pack spans many writes: the cut lands inside it.
    for (let i = 0; i < 120; i++) {
      mkdirSync(join(src, `d${i % 8}`), { recursive: true });
      writeFileSync(join(src, `d${i % 8}`, `f${i}.yaml`), `x: ${i}\n# ${execFileSync('head', ['-c', '1500', '/dev/urandom']).toString('base64')}\n`);
    }
    execFileSync('git', ['-C', src, 'add', '-A']);
    execFileSync('git', ['-C', src, '-c', 'user.name=a', '-c', 'user.email=a@example.org', 'commit', '-qm', 'one']);
    head = execFileSync('git', ['-C', src, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    bare = tmp('plumb-fetch-bare-');
    execFileSync('git', ['clone', '-q', '--bare', src, join(bare, 'r.git')]);
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('moves no ref, leaves git gc and fsck clean, and the next fetch lands', async () => {
    let cut: number | undefined = 4_000;
    const server = await serveGit(bare, { cutPackAfter: () => cut });
    const state = tmp('plumb-fetch-state-');
    try {
      const url = `${server.url}/r.git`;
      await expect(fetchApproved(state, url, 'main')).rejects.toMatchObject({ code: 'E_GIT' });
      for (const ref of ['refs/remotes/plumbline/main', 'refs/plumbline/approved']) expect(existsSync(join(state, '.git', ref)), ref).toBe(false);
      expect(execFileSync('git', ['-C', state, 'for-each-ref'], { encoding: 'utf8' })).toBe('');
      execFileSync('git', ['-C', state, 'gc', '--quiet']);
      execFileSync('git', ['-C', state, 'fsck', '--no-dangling']);
      cut = undefined;
      expect(await fetchApproved(state, url, 'main')).toBe(head);
      expect(execFileSync('git', ['-C', state, 'rev-parse', 'refs/remotes/plumbline/main', 'refs/plumbline/approved'], { encoding: 'utf8' }).trim().split('\n')).toEqual([head, head]);
      execFileSync('git', ['-C', state, 'fsck', '--no-dangling']);
      execFileSync('git', ['-C', state, 'gc', '--quiet']);
    } finally {
      await server.close();
    }
  });

  it('moves no ref when the pack leaves an object out: one the repository was thought to have, but lost', async () => {
    // The state directory has the first commit (loose objects), then loses one blob of it. The server, told the
    // commit is there (isomorphic-git names its branch as the one it has), sends only what changed; a blob beside a
    // changed one in the same folder is then missing.
    const src = tmp('plumb-fetch-src2-');
    execFileSync('git', ['clone', '-q', join(bare, 'r.git'), src]);
    const state = tmp('plumb-fetch-state2-');
    execFileSync('git', ['init', '-q', state]);
    execFileSync('git', ['-C', state, '-c', 'fetch.unpackLimit=100000', 'fetch', '-q', src, 'main:refs/heads/main']);
    const lost = execFileSync('git', ['-C', src, 'rev-parse', 'HEAD:d0/f0.yaml'], { encoding: 'utf8' }).trim();
    rmSync(join(state, '.git/objects', lost.slice(0, 2), lost.slice(2)));
    writeFileSync(join(src, 'd0/f8.yaml'), 'x: changed\n');
    execFileSync('git', ['-C', src, '-c', 'user.name=a', '-c', 'user.email=a@example.org', 'commit', '-qam', 'two']);
    const bare2 = tmp('plumb-fetch-bare2-');
    execFileSync('git', ['clone', '-q', '--bare', src, join(bare2, 'r.git')]);
    const server = await serveGit(bare2);
    try {
      const err = await fetchApproved(state, `${server.url}/r.git`, 'main').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'E_GIT', message: expect.stringContaining(`(first: ${lost})`) });
      expect(execFileSync('git', ['-C', state, 'for-each-ref', '--format=%(refname)'], { encoding: 'utf8' }).trim()).toBe('refs/heads/main');
    } finally {
      await server.close();
    }
  });
});
