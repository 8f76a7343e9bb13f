import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeStored } from '../../engine/advisories/store.js';
import { commitRuns, locateRepo, type RunRecord } from '../../engine/ledger/index.js';
import { ADVISORIES, FILES, fixtureFacts, RUNS } from '../../engine/metrics/fixtures.test-helper.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/engine/cli/main.js');

/** The metrics fixture's perimeter, weights and one cost line, as the inventory declares them. */
export const PROGRAM = `program:
  currency: USD
  software:
    - { name: patch management software, annual_maintenance: 3000, purchase_price: 30000, expected_life: 4 }
    - { name: vulnerability scanner, annual_maintenance: 2000, upgrade_price: 10000, expected_life: 3 }
  service_weights: { 22/tcp: 2 }
targets:
  patch-response-noncritical: { max: 3d }
  vulnerability-ratio: { max: 0.5 }
perimeter:
  - { name: dmz, tags: [internet-facing], allow: [443/tcp] }
`;

/**
 * The unit tests' fixed timeline (engine/metrics/fixtures.test-helper.ts) as a real repository: every file
 * committed by the real git at the moment the timeline says (author and committer dates), the runs committed to the
 * ledger through the ledger's own API with the desired-state commits they applied, the advisories written to the
 * store through the store's API, and the hosts' facts in a snapshot file.
 */
export class FixtureRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'plumb-metrics-'));
  readonly facts = join(this.dir, '.plumb-facts.json');
  readonly commits = new Map<string, string>();

  private git(env: Record<string, string>, ...args: string[]): string {
    return execFileSync('git', ['-C', this.dir, '-c', 'user.name=Dave Admin', '-c', 'user.email=dave@example.org', ...args], { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
  }

  private commit(paths: string[], message: string, authored: string, committed = authored): string {
    for (const p of paths) {
      mkdirSync(dirname(join(this.dir, p)), { recursive: true });
      writeFileSync(join(this.dir, p), p === 'inventory/program.yaml' ? PROGRAM : FILES[p]!.replace('expires: 2027-01-01', 'expires: 2099-01-01'));
    }
    this.git({}, 'add', ...paths);
    this.git({ GIT_AUTHOR_DATE: authored, GIT_COMMITTER_DATE: committed }, 'commit', '-q', '-m', message);
    return this.git({}, 'rev-parse', 'HEAD');
  }

  static async create(): Promise<FixtureRepo> {
    const r = new FixtureRepo();
    r.git({}, 'init', '-q', '-b', 'main');
    r.commits.set('org', r.commit(['inventory/org.yaml', 'inventory/program.yaml', 'baselines/base.yaml'], 'the organization', '2025-12-31T00:00:00Z'));
    r.commits.set('PLB-1', r.commit(['remediations/PLB-1.yaml'], 'PLB-1: openssl update for payroll', '2026-01-01T12:00:00Z'));
    r.commits.set('APR-1', r.commit(['remediations/approvals/APR-1.yaml'], 'APR-1: PLB-1 to pilot', '2026-01-01T20:00:00Z', '2026-01-02T00:00:00Z'));
    r.commits.set('APR-2', r.commit(['remediations/approvals/APR-2.yaml', 'remediations/exceptions/EXC-1.yaml'], 'APR-2: PLB-1 everywhere; db-1 deferred', '2026-01-02T20:00:00Z', '2026-01-03T00:00:00Z'));
    r.commits.set('PLB-2', r.commit(['remediations/PLB-2.yaml'], 'PLB-2: bash update', '2026-01-04T00:00:00Z'));
    r.commits.set('APR-3', r.commit(['remediations/approvals/APR-3.yaml'], 'APR-3', '2026-01-04T06:00:00Z'));
    r.commits.set('PLB-3', r.commit(['remediations/PLB-3.yaml'], 'PLB-3: emergency sshd workaround', '2026-01-05T03:00:00Z'));
    r.commits.set('APR-4', r.commit(['remediations/approvals/APR-4.yaml'], 'APR-4: emergency', '2026-01-05T04:00:00Z'));
    // Each run applied the commit that was HEAD when it started; its actions cite the remediation's commit.
    const applied = ['APR-1', 'APR-2', 'APR-4', 'APR-4'];
    const runs: RunRecord[] = RUNS.map((run, i) => {
      const commit = r.commits.get(applied[i]!)!;
      return {
        ...run,
        commit,
        hosts: run.hosts.map((h) => ({ ...h, actions: h.actions.map((a) => ({ ...a, source: a.source.replace(/@.*$/, `@${r.commits.get(a.origin.kind === 'remediation' ? a.origin.id : 'org')!.slice(0, 12)}`) })) })),
      };
    });
    await commitRuns(await locateRepo(r.dir), runs);
    for (const a of ADVISORIES) writeStored(r.dir, a);
    writeFileSync(r.facts, JSON.stringify({ version: 2, gatheredAt: '2026-01-10T00:00:00Z', hosts: fixtureFacts() }));
    return r;
  }

  plumb(...args: string[]): { code: number; stdout: string; stderr: string } {
    const p = spawnSync(process.execPath, [CLI, '-C', this.dir, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: p.status ?? -1, stdout: p.stdout, stderr: p.stderr };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
