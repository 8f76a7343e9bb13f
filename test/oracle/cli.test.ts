import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { debianVersions, mutate, random, sample, which } from './corpus.js';
import { dpkgOrder, rpmOrder } from './tools.js';

/**
 * End to end: the built `plumb version compare` (node dist/engine/cli/main.js), fed pairs on a pipe, answers what
 * the real dpkg and rpm answer, line for line; malformed lines are located on stderr and the exit code is 1.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = `${ROOT}dist/engine/cli/main.js`;
const DPKG = which('dpkg');
const RPM = which('rpm');
if (!DPKG || !RPM) console.warn(`oracle/cli: ${[DPKG ? '' : 'dpkg', RPM ? '' : 'rpm'].filter(Boolean).join(' and ')} not found on PATH, those comparisons are skipped`);

function plumb(args: string[], input: string) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, [MAIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('plumb version compare (built CLI)', () => {
  it('reads pairs from stdin, skips blanks and comments, locates malformed lines and goes on', () => {
    const input = ['# header', '1.0 1.1', '', '1:1.0 2.0', 'only-one', '1.0~rc1 1.0', 'a:1 1.0', '1_0 1.0', '2.0 2.0-0'].join('\n');
    const r = plumb(['version', 'compare', '--scheme', 'deb'], input);
    expect(r.stdout).toBe(['<', '>', '!', '<', '!', '>', '='].join('\n') + '\n');
    expect(r.stderr).toMatch(/^stdin:5: error: expected two versions/m);
    expect(r.stderr).toMatch(/^stdin:7: error: version 'a:1' has bad syntax: epoch in version is empty$/m);
    expect(r.stderr).toMatch(/^stdin:8: warning: version '1_0' has bad syntax: invalid character in version number$/m);
    expect(r.code).toBe(1);
  });

  it('exits 0 when every line compares, and takes two arguments', () => {
    expect(plumb(['version', 'compare', '--scheme', 'rpm'], '1.0 1.0^post1\n1.0.1 1.0^post1\n')).toEqual({ code: 0, stdout: '<\n>\n', stderr: '' });
    expect(plumb(['version', 'compare', '--scheme', 'deb', '1:2.3-1', '2.4-1'], '')).toEqual({ code: 0, stdout: '>\n', stderr: '' });
    const bad = plumb(['version', 'compare', '--scheme', 'deb', '--', '2:', '1'], '');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nothing after colon/);
    expect(plumb(['version', 'compare', '--scheme', 'nope', '1', '2'], '').stderr).toMatch(/known schemes: deb, rpm/);
  });

  it('prints JSON with line numbers for scripts', () => {
    const r = plumb(['version', 'compare', '--scheme', 'deb', '--json'], '1.0 1.1\n\nx\n');
    const doc = JSON.parse(r.stdout) as { pairs: number; errors: number; results: Array<{ line: number; order: string | null }> };
    expect(doc).toMatchObject({ pairs: 2, errors: 1 });
    expect(doc.results.map((x) => [x.line, x.order])).toEqual([[1, '<'], [3, null]]);
    expect(r.code).toBe(1);
  });

  it.skipIf(!DPKG)(`agrees with dpkg --compare-versions on real pairs piped through${DPKG ? '' : ' (SKIPPED: dpkg is not on PATH)'}`, async () => {
    const rnd = random(7);
    const all = [...new Set([...debianVersions().byPackage.values()].flatMap((s) => [...s]))];
    const pairs = sample(rnd, all, 400).map((v) => [v, mutate(rnd, v)] as const);
    const want = (await dpkgOrder(pairs)).map((w) => (w === 'E' ? '!' : w));
    const r = plumb(['version', 'compare', '--scheme', 'deb'], pairs.map(([a, b]) => `${a} ${b}`).join('\n'));
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(want);
  });

  it.skipIf(!RPM)(`agrees with rpm.vercmp on pairs piped through${RPM ? '' : ' (SKIPPED: rpm is not on PATH)'}`, async () => {
    const rnd = random(8);
    const all = sample(rnd, [...new Set([...debianVersions().byPackage.values()].flatMap((s) => [...s]))], 800);
    const pairs = all.slice(0, 400).map((v, i) => [v, all[400 + i]!] as const);
    const want = (await rpmOrder(pairs)).map((w) => ({ '-1': '<', '0': '=', '1': '>' })[w] ?? '!');
    const r = plumb(['version', 'compare', '--scheme', 'rpm'], pairs.map(([a, b]) => `${a} ${b}`).join('\n'));
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(want);
  });
});
