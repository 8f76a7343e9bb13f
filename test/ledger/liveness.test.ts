import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectJournals, Journal, leasePath, RunLease, type JournalEvent } from '../../engine/ledger/index.js';
import { assertBuilt, ROOT, workingRepo } from './repo.js';
import { sampleJournal } from './sample.js';

/** `plumb history` tells a run that is still going from one whose owner is gone: owner pid and start time, and the lease's heartbeat. */

assertBuilt();
const MAIN = join(ROOT, 'dist/engine/cli/main.js');
const plumb = (repo: string, args: string[]) => spawnSync(process.execPath, [MAIN, '-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
const ID = '20261127T090000Z-dddddd';

describe('a run that is still going', () => {
  it('is shown as running (owner, heartbeat), its unfinished work in progress — never as interrupted', async () => {
    const repo = workingRepo();
    const lease = RunLease.acquire(repo, { purpose: 'reconcile' });
    const events = sampleJournal({ id: ID });
    const j = await Journal.begin(repo, events[0] as Extract<JournalEvent, { t: 'run-start' }>);
    lease.setRun(ID);
    for (const e of events.slice(1, 6)) j.append(e);
    try {
      const [info] = await inspectJournals(repo);
      expect(info).toMatchObject({ id: ID, state: 'running', owner: { pid: process.pid }, record: { status: 'running' } });
      const actions = info!.record.hosts.flatMap((h) => h.actions);
      expect(actions.some((a) => a.error?.code === 'E_INTERRUPTED')).toBe(false);
      expect(actions.some((a) => a.error?.code === 'E_IN_PROGRESS')).toBe(true);
      const shown = plumb(repo, ['history']);
      expect(shown.stdout).toMatch(new RegExp(`run ${ID} {2}apply {2}running {2}\\[running \\(pid ${process.pid} on .*, heartbeat \\d+ s ago\\), not in the ledger yet\\]`));
      expect(shown.stdout).not.toMatch(/interrupted/);
      const json = JSON.parse(plumb(repo, ['history', '--json']).stdout);
      expect(json.pending[0]).toMatchObject({ state: 'running', owner: { pid: process.pid }, lease: { owner: { pid: process.pid } } });
    } finally {
      await j.finish('completed');
      lease.release();
    }
  });

  it('is interrupted once a foreign owner stopped renewing its lease, and the next run may commit it', async () => {
    const repo = workingRepo();
    const events = sampleJournal({ id: ID });
    const j = await Journal.begin(repo, events[0] as Extract<JournalEvent, { t: 'run-start' }>);
    for (const e of events.slice(1, 6)) j.append(e);
    // Pretend the journal was written by a controller on another machine sharing this state directory.
    const path = join(repo, '.plumb/journal', `${ID}.jsonl`);
    const text = (await import('node:fs')).readFileSync(path, 'utf8').replace(/"hostname":"[^"]*"/, '"hostname":"another-controller"');
    writeFileSync(path, text);
    const lease = { v: 1, owner: { pid: 4242, hostname: 'another-controller' }, purpose: 'reconcile', run: ID, acquiredAt: '2026-11-27T09:00:00Z', renewedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString() };
    writeFileSync(leasePath(repo), JSON.stringify(lease));
    expect((await inspectJournals(repo))[0]!.state).toBe('running');
    writeFileSync(leasePath(repo), JSON.stringify({ ...lease, renewedAt: '2026-11-27T09:05:00Z', expiresAt: '2026-11-27T09:06:00Z' }));
    const [info] = await inspectJournals(repo);
    expect(info).toMatchObject({ state: 'interrupted', record: { status: 'interrupted', recovered: true } });
    expect(plumb(repo, ['history']).stdout).toMatch(/interrupted: its owner stopped renewing its lease \(last heartbeat 2026-11-27T09:05:00Z\)/);
    await j.finish('completed').catch(() => undefined);
  });
});
