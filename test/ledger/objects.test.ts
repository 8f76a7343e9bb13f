import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldJournal } from '../../engine/ledger/fold.js';
import { commitRuns } from '../../engine/ledger/commit.js';
import { ObjectReader } from '../../engine/ledger/objects.js';
import { locateRepo } from '../../engine/ledger/repo.js';
import { sampleJournal } from './sample.js';
import { gitOk, tempDir, workingRepo } from './repo.js';

/** The ledger's object reader against the real git: every object of a repository, byte for byte, however stored. */

function allObjects(repo: string): Map<string, { type: string; data: Buffer }> {
  const list = gitOk(repo, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname)']).trim().split('\n');
  const out = spawnSync('git', ['cat-file', '--batch'], { cwd: repo, input: `${list.join('\n')}\n`, maxBuffer: 1 << 28 }).stdout;
  const objects = new Map<string, { type: string; data: Buffer }>();
  for (let i = 0; i < out.length; ) {
    const nl = out.indexOf(10, i);
    const [oid, type, size] = out.subarray(i, nl).toString().split(' ');
    objects.set(oid!, { type: type!, data: Buffer.from(out.subarray(nl + 1, nl + 1 + Number(size))) });
    i = nl + 1 + Number(size) + 1;
  }
  return objects;
}

function expectSame(repo: string, gitdir = join(repo, '.git')): number {
  const want = allObjects(repo);
  const reader = new ObjectReader(gitdir);
  try {
    for (const [oid, o] of want) {
      const got = reader.read(oid);
      expect(got.type, oid).toBe(o.type);
      expect(got.data.equals(o.data), `${oid} (${o.type}) differs`).toBe(true);
    }
  } finally {
    reader.close();
  }
  return want.size;
}

/** How many entries of each kind the repository's packs hold (6: offset delta, 7: ref delta). */
function packKinds(repo: string): Record<number, number> {
  const dir = join(repo, '.git/objects/pack');
  const kinds: Record<number, number> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.pack'))) {
    const idx = readFileSync(join(dir, name.replace(/\.pack$/, '.idx')));
    const pack = readFileSync(join(dir, name));
    const n = idx.readUInt32BE(8 + 255 * 4);
    for (let i = 0; i < n; i++) {
      const kind = (pack[idx.readUInt32BE(8 + 1024 + n * 24 + i * 4)]! >> 4) & 7;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  }
  return kinds;
}

async function ledgerRepo(runs: number): Promise<string> {
  const repo = workingRepo();
  // Some ordinary history too, so that packs hold more than the ledger.
  for (let i = 0; i < 5; i++) {
    writeFileSync(join(repo, 'baseline.yaml'), `name: b\nversion: ${i}\n${'pad: x\n'.repeat(200 * i)}`);
    gitOk(repo, ['add', 'baseline.yaml']);
    gitOk(repo, ['commit', '-q', '-m', `c${i}`]);
  }
  const r = await locateRepo(repo);
  await commitRuns(r, Array.from({ length: runs }, (_, i) => foldJournal(sampleJournal({ id: `20261125T14${String(10 + (i % 50)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}Z-${i.toString(16).padStart(6, '0')}` }))));
  return repo;
}

describe('ObjectReader', () => {
  it('reads loose objects as git does', async () => {
    const repo = await ledgerRepo(30);
    expect(readdirSync(join(repo, '.git/objects')).some((d) => d === 'pack' || /^[0-9a-f]{2}$/.test(d))).toBe(true);
    expect(expectSame(repo)).toBeGreaterThan(100);
  });

  it('reads packs with offset deltas (git gc) and with ref deltas, and loose objects next to them', async () => {
    const repo = await ledgerRepo(120);
    gitOk(repo, ['gc', '-q', '--aggressive', '--prune=now']);
    expect(gitOk(repo, ['count-objects', '-v'])).toMatch(/^count: 0$/m);
    const verify = gitOk(repo, ['verify-pack', '-v', ...readdirSync(join(repo, '.git/objects/pack')).filter((n) => n.endsWith('.idx')).map((n) => join(repo, '.git/objects/pack', n))]);
    expect(verify).toMatch(/chain length = [2-9]/); // real delta chains, not just whole objects
    expect(packKinds(repo)[6]).toBeGreaterThan(50);
    expectSame(repo);
    gitOk(repo, ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-q', '-a', '-d', '-f']);
    expect(packKinds(repo)[7]).toBeGreaterThan(50);
    expect(packKinds(repo)[6]).toBeUndefined();
    expectSame(repo);
    await commitRuns(await locateRepo(repo), [foldJournal(sampleJournal({ id: '20261201T000000Z-ffffff' }))]);
    expectSame(repo);
  });

  it('reads objects borrowed through alternates (git clone --shared)', async () => {
    const src = await ledgerRepo(10);
    gitOk(src, ['gc', '-q']);
    const parent = tempDir('plumb-ledger-clone-');
    const clone = join(parent, 'clone');
    gitOk(parent, ['clone', '-q', '--shared', src, clone]);
    gitOk(clone, ['fetch', '-q', 'origin', 'refs/plumbline/ledger:refs/plumbline/ledger']);
    expect(readdirSync(join(clone, '.git/objects/info'))).toContain('alternates');
    const reader = new ObjectReader(join(clone, '.git'));
    const tip = gitOk(clone, ['rev-parse', 'refs/plumbline/ledger']).trim();
    expect(reader.read(tip).type).toBe('commit');
    reader.close();
  });

  it('refuses an object that does not hash to its id, and one that is missing', async () => {
    const repo = workingRepo();
    const oid = gitOk(repo, ['hash-object', '-w', '--stdin'], 'original\n').trim();
    const other = gitOk(repo, ['hash-object', '-w', '--stdin'], 'altered\n').trim();
    const path = (o: string) => join(repo, '.git/objects', o.slice(0, 2), o.slice(2));
    spawnSync('cp', ['-f', path(other), path(oid)]);
    const reader = new ObjectReader(join(repo, '.git'));
    expect(() => reader.read(oid)).toThrow(expect.objectContaining({ code: 'E_LEDGER_CORRUPT', message: expect.stringMatching(/does not hash to its id/) }));
    expect(() => reader.read('0'.repeat(40))).toThrow(/is missing/);
  });
});
