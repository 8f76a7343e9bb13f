import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Every case is a set of files dropped into a copy of the example organization; the desired state must
// then be rejected by the real CLI with a located error in one of those files, with the expected code,
// without a stack trace and without hanging.
const root = fileURLToPath(new URL('../..', import.meta.url));
const corpus = fileURLToPath(new URL('.', import.meta.url));
const cli = join(root, 'dist/engine/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'plumb-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function repoWith(name: string, files: Record<string, Buffer>): string {
  const dir = join(work, name);
  for (const d of ['inventory', 'baselines', 'remediations']) cpSync(join(root, d), join(dir, d), { recursive: true });
  for (const [p, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), bytes);
  }
  return dir;
}

function validate(repo: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, '-C', repo, 'validate', '--json'], { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const cases = readdirSync(corpus).filter((n) => existsSync(join(corpus, n, 'expect')));

describe('bad-input corpus', () => {
  it('has at least 40 cases', () => {
    expect(cases.length + 1).toBeGreaterThanOrEqual(40);
  });

  it.concurrent.each(cases)('%s is rejected with a located error', async (name) => {
    const caseDir = join(corpus, name);
    const files = Object.fromEntries(
      filesUnder(caseDir)
        .filter((p) => !p.endsWith('/expect'))
        .map((p) => [relative(caseDir, p), readFileSync(p)]),
    );
    const expected = readFileSync(join(caseDir, 'expect'), 'utf8').trim();
    const { code, stdout, stderr } = await validate(repoWith(name, files));
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as { valid: boolean; problems: Array<{ severity: string; code: string; file: string; line: number; col: number; message: string }> };
    expect(out.valid).toBe(false);
    const located = out.problems.filter((p) => p.severity === 'error' && Object.keys(files).includes(p.file) && p.line >= 1 && p.col >= 1);
    expect(located.map((p) => p.code), JSON.stringify(out.problems, null, 1)).toContain(expected);
  });

  it('a 50 MB file is refused without being parsed', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');
    big.write('name: huge\ndescription: "');
    const { code, stdout } = await validate(repoWith('huge-file', { 'baselines/huge.yaml': big }));
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as { problems: Array<{ code: string; file: string; line: number }> };
    expect(out.problems).toContainEqual(expect.objectContaining({ code: 'refused', file: 'baselines/huge.yaml', line: 1 }));
  });

  it('the example organization itself is valid', async () => {
    const { code, stdout } = await validate(root);
    expect(JSON.parse(stdout).problems.filter((p: { severity: string }) => p.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
  });
});
