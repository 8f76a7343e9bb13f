import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRepo } from '../metrics/fixture-repo.js';

const PERIOD = ['--from', '2026-01-01', '--to', '2026-01-10T00:00:00Z'];

/** `plumb report` through the built CLI: the folder it writes, replaces, and refuses. */
describe('plumb report (built CLI)', () => {
  let repo: FixtureRepo;
  beforeAll(async () => {
    repo = await FixtureRepo.create();
  });
  afterAll(() => repo?.cleanup());
  const report = (out: string, ...args: string[]) => repo.plumb('report', '--out', out, '--facts', repo.facts, ...PERIOD, ...args);

  it('writes index.html and a page per host, and replaces an earlier report whole', () => {
    const out = join(repo.dir, 'r1');
    const first = report(out);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`wrote ${out}/index.html and 4 host page(s)\n`);
    expect(readdirSync(out).sort()).toEqual(['.plumb-report', 'hosts', 'index.html']);
    expect(readdirSync(join(out, 'hosts')).sort()).toEqual(['db-1.html', 'web-1.html', 'web-2.html', 'wiki-1.html']);
    // Replaced by a one-system report: no page of the earlier one is left behind.
    const second = report(out, '--system', 'intranet');
    expect(second.code, second.stderr).toBe(0);
    expect(readdirSync(join(out, 'hosts'))).toEqual(['wiki-1.html']);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Patch and vulnerability report: intranet');
    expect(readdirSync(repo.dir).filter((f) => f.startsWith('.r1.'))).toEqual([]); // no temporary folder left
  });

  it('refuses a folder with someone else’s files, a file, a missing parent; nothing is changed', () => {
    const busy = join(repo.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    const cases: Array<[string, RegExp]> = [
      [busy, /cannot write the report to .*busy: it holds files that are not a report \(notes\.txt\)/],
      [join(busy, 'notes.txt'), /it is a file/],
      [join(repo.dir, 'no', 'such', 'dir'), /its parent folder .* does not exist/],
    ];
    for (const [out, message] of cases) {
      const r = report(out);
      expect(r.code, out).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(busy)).toEqual(['notes.txt']);
    expect(existsSync(join(repo.dir, 'no'))).toBe(false);
    expect(repo.plumb('report').stderr).toMatch(/required option '--out <dir>' not specified/);
  });

  it('has --help with examples', () => {
    const r = repo.plumb('report', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+plumb report --out report\//);
  });
});
