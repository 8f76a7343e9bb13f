import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

/**
 * The pull-request workflow holds a secret (FACTS_TOKEN) and the facts of every host: it must never run code from the
 * pull request. Checked on the workflow file itself, since GitHub is not here to run it.
 */
const file = fileURLToPath(new URL('../../.github/workflows/pull-request.yml', import.meta.url));
const wf = YAML.parse(readFileSync(file, 'utf8')) as { jobs: Record<string, { steps: Array<{ name?: string; uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string>; 'working-directory'?: string }> }> };
const steps = Object.values(wf.jobs).flatMap((j) => j.steps);

describe('pull-request workflow: the engine of the base branch, the pull request as data', () => {
  it('checks the engine out at the base commit and the pull request into its own directory, without credentials', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout'));
    const engine = checkouts.find((s) => String(s.with?.ref).includes('pull_request.base.sha'));
    const pr = checkouts.find((s) => String(s.with?.ref).includes('pull_request.head.sha'));
    expect(engine?.with).toMatchObject({ path: 'engine', 'persist-credentials': false });
    expect(pr?.with).toMatchObject({ path: 'pr', 'persist-credentials': false });
  });

  it('runs no npm, npx or plumb of the pull request, and installs the engine without scripts', () => {
    for (const s of steps.filter((x) => x.run)) {
      const run = s.run!;
      expect(run, s.name).not.toMatch(/\bnpx\b/);
      if (/\bnpm\b/.test(run)) {
        expect(s['working-directory'], s.name).toBe('engine');
        if (/npm ci/.test(run)) expect(run).toMatch(/npm ci --ignore-scripts/);
      }
      for (const m of run.matchAll(/node (\S+)/g)) expect(m[1], s.name).toMatch(/^engine\//);
    }
  });

  it('gives the token to the one step that downloads the snapshot', () => {
    const holding = steps.filter((s) => JSON.stringify(s).includes('secrets.'));
    expect(holding.map((s) => s.name)).toEqual(['Fetch the facts snapshot']);
    expect(holding[0]!.run).not.toContain('secrets.');
  });
});
