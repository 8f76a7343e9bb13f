import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_SHARED, SAMPLES } from './official.js';

/** End to end through the built CLI (node dist/engine/cli/main.js), in a scratch repository. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = `${ROOT}dist/engine/cli/main.js`;
let repo: string;

function plumb(...args: string[]) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, [MAIN, '-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', PLUMB_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'plumb-cli-adv-'));
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const record = (id: string, modified: string, fixed: string) => ({ id, modified, aliases: ['CVE-2024-8000'], affected: [{ package: { ecosystem: 'Debian:12', name: 'openssl' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }] });

describe('plumb advisories (built CLI)', () => {
  it.skipIf(!HAVE_SHARED)('imports the real samples; problems are file:line:col; exit 1 because two inputs are not advisories', () => {
    const r = plumb('advisories', 'import', fileURLToPath(SAMPLES));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^new {6}RHSA-2022:0011 \(csaf, high\) Red Hat Security Advisory: telnet security update$/m);
    expect(r.stdout).toMatch(/nvd\/CVE-2024-3094\.json:1:1: error: not an advisory format plumb reads$/m);
    expect(r.stdout).toMatch(/^imported with errors: 13 new, 0 updated, 0 unchanged, 0 older, 2 errors, 1 warning \(9 inputs\)$/m);
    expect(existsSync(join(repo, 'advisories/csaf/RHSA-2022_0011.json'))).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('reports a revision with its changes, in JSON for scripts', () => {
    const dir = join(repo, 'in');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a.json'), JSON.stringify(record('DSA-8000-1', '2024-05-01T00:00:00Z', '3.0.11-1~deb12u1')));
    expect(plumb('advisories', 'import', join(dir, 'a.json')).code).toBe(0);
    writeFileSync(join(dir, 'a.json'), JSON.stringify(record('DSA-8000-1', '2024-05-02T00:00:00Z', '3.0.11-1~deb12u2')));
    const r = plumb('advisories', 'import', '--json', join(dir, 'a.json'));
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { updated: Array<{ id: string; changes: string[] }>; errors: number };
    expect(report.updated).toEqual([expect.objectContaining({ id: 'DSA-8000-1', from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z', changes: ['fixed debian 12 openssl (source) 3.0.11-1~deb12u1 → 3.0.11-1~deb12u2'] })]);
    writeFileSync(join(dir, 'a.json'), JSON.stringify(record('DSA-8000-1', '2024-04-01T00:00:00Z', '3.0.11-1~deb12u0')));
    const older = plumb('advisories', 'import', join(dir, 'a.json'));
    expect(older.stdout).toMatch(/^older {4}DSA-8000-1 \(osv\): ignored, the store has a newer revision \(modified 2024-05-02T00:00:00Z; this one 2024-04-01T00:00:00Z\)$/m);
  });

  it('a malformed record in a file: located, the rest imported, exit 1', () => {
    const file = join(repo, 'mixed.json');
    writeFileSync(file, JSON.stringify([record('DSA-8001-1', '2024-05-01T00:00:00Z', '1.0-1'), { ...record('DSA-8002-1', 'soon', '1.0-1') }], null, 2));
    const r = plumb('advisories', 'import', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:${JSON.stringify([record('a', 'b', 'c'), record('a', 'soon', 'c')], null, 2).split('\n').findIndex((l) => l.includes('"soon"')) + 1}:5: error: 'modified' is not valid`);
    expect(r.stdout).toMatch(/^new {6}DSA-8001-1/m);
  });

  it('list filters by package and source; show finds by id or CVE alias', () => {
    const list = plumb('advisories', 'list', '--package', 'openssl', '--json');
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((a) => a.id)).toEqual(['DSA-8000-1', 'DSA-8001-1']);
    const show = plumb('advisories', 'show', 'CVE-2024-8000');
    expect(show.stdout).toMatch(/^DSA-8000-1 \(osv\)/m);
    expect(show.stdout).toMatch(/debian 12 +openssl \(source\) +fixed in 3\.0\.11-1~deb12u2/);
    expect(JSON.parse(plumb('advisories', 'show', 'dsa-8000-1', '--json').stdout)).toMatchObject({ id: 'DSA-8000-1', knew: expect.any(String) });
  });

  it('mistakes are one readable line with a hint, exit 1, never a stack trace', () => {
    const missing = plumb('advisories', 'show', 'DSA-8000-2');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^plumb: error: no advisory 'DSA-8000-2' in the store\n {4}hint: did you mean: DSA-8000-1/);
    const nofile = plumb('advisories', 'import', join(repo, 'nope.json'));
    expect(nofile.stderr).toMatch(/^plumb: error: cannot read .*nope\.json: no such file or directory\n/);
    expect(plumb('advisories', 'import', '--format', 'cvrf', 'x').stderr).toMatch(/unknown format 'cvrf'/);
    for (const r of [missing, nofile]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a hand-broken store file is reported by list with its position', () => {
    const file = join(repo, 'advisories/osv/DSA-8001-1.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"packageKind": "source"', '"packageKind": "src"'));
    const r = plumb('advisories', 'list');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^advisories\/osv\/DSA-8001-1\.json:\d+:\d+: error: 'packageKind' must be one of source, binary$/m);
  });

  it('every subcommand has --help with examples', () => {
    for (const sub of ['import', 'list', 'show']) {
      const r = plumb('advisories', sub, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Examples:');
    }
  });
});
