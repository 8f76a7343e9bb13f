import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRepo } from './fixture-repo.js';

const EXPORTER = '/usr/bin/prometheus-node-exporter';
const skip = existsSync(EXPORTER) ? '' : `${EXPORTER} is not installed (apt-get install prometheus-node-exporter)`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real consumer of the textfile format: Debian's node_exporter reads what `plumb metrics --prometheus --out`
 * wrote and serves it on loopback. A file it cannot parse shows as node_textfile_scrape_error 1 and its series
 * vanish; here they must all come through.
 */
(skip ? describe.skip : describe)(`plumb metrics --prometheus read by node_exporter's textfile collector${skip ? ` [skipped: ${skip}]` : ''}`, () => {
  let repo: FixtureRepo;
  let exporter: ChildProcess | undefined;
  let dir: string;
  let port: number;
  let log = '';
  beforeAll(async () => {
    repo = await FixtureRepo.create();
    dir = mkdtempSync(join(tmpdir(), 'plumb-textfile-'));
    port = await freePort();
    exporter = spawn(EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${dir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    exporter.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/metrics`).then(() => true, () => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`node_exporter did not start: ${log}`);
  });
  afterAll(() => {
    if (exporter?.pid) process.kill(exporter.pid, 'SIGTERM');
    repo?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves every series plumb wrote, with no scrape error', async () => {
    const r = repo.plumb('metrics', '--facts', repo.facts, '--from', '2026-01-01', '--to', '2026-01-10T00:00:00Z', '--prometheus', '--out', join(dir, 'plumbline.prom'));
    expect(r.code, r.stderr).toBe(0);
    const served = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(served, log).toMatch(/^node_textfile_scrape_error 0$/m);
    expect(served).toMatch(/^# HELP plumbline_patch_response_seconds Patch response time/m);
    expect(served).toMatch(/^# TYPE plumbline_patch_response_seconds gauge$/m);
    expect(served).toContain('plumbline_patch_response_seconds{criticality="noncritical",severity="all",statistic="median",system="payroll"} 194400');
    expect(served).toContain('plumbline_vulnerabilities{exposure="exposed",severity="critical",system="payroll"} 2');
    expect(served).toContain('plumbline_program_cost{cost="software",currency="USD",per="year"} 15833.33');
    expect(served).toContain('plumbline_target_met{metric="vulnerability-ratio",system="payroll"} 0');
    const written = repo.plumb('metrics', '--facts', repo.facts, '--from', '2026-01-01', '--to', '2026-01-10T00:00:00Z', '--prometheus').stdout;
    const ours = written.split('\n').filter((l) => l.startsWith('plumbline_')).length;
    const through = served.split('\n').filter((l) => l.startsWith('plumbline_')).length;
    expect(through).toBe(ours);
  });
});
