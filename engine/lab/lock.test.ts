import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, readHolder } from './lock.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-lab-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The PID of a process that has certainly ended. */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}

describe('lab lock', () => {
  it('is taken, names its holder, and is removed on release', async () => {
    const path = join(dir, 'a.lock');
    const lock = await acquireLock(path, { subject: "lab 'a'", lab: 'a', command: 'up' });
    expect(readHolder(path)).toMatchObject({ pid: process.pid, command: 'up' });
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a second holder while the first is alive, naming it', async () => {
    const path = join(dir, 'b.lock');
    const first = await acquireLock(path, { subject: "lab 'b'", lab: 'b', command: 'up' });
    await expect(acquireLock(path, { subject: "lab 'b'", lab: 'b', command: 'down' })).rejects.toMatchObject({ code: 'E_LAB_LOCKED', data: { pid: process.pid, command: 'up' } });
    await expect(acquireLock(path, { subject: "lab 'b'", lab: 'b', command: 'down', waitMs: 300 })).rejects.toMatchObject({ code: 'E_LAB_LOCKED' });
    first.release();
  });

  it('waits for a live holder when asked to', async () => {
    const path = join(dir, 'c.lock');
    const first = await acquireLock(path, { subject: "lab 'c'", command: 'up' });
    setTimeout(() => first.release(), 300);
    const notices: string[] = [];
    const second = await acquireLock(path, { subject: "lab 'c'", command: 'up', waitMs: 5000, onNotice: (m) => notices.push(m) });
    expect(notices).toHaveLength(1);
    second.release();
  });

  it('explains a stale lock (dead holder), and lets `down` take it over', async () => {
    const path = join(dir, 'd.lock');
    const pid = deadPid();
    writeFileSync(path, JSON.stringify({ pid, startTime: 1, command: 'up', since: '2025-01-01T00:00:00Z' }));
    await expect(acquireLock(path, { subject: "lab 'd'", lab: 'd', command: 'up' })).rejects.toMatchObject({ code: 'E_LAB_STALE_LOCK', data: { pid, lab: 'd' } });
    const lock = await acquireLock(path, { subject: "lab 'd'", lab: 'd', command: 'down', takeStale: true });
    expect(lock.tookOverFrom).toMatchObject({ pid, command: 'up' });
    expect(readHolder(path)?.pid).toBe(process.pid);
    lock.release();
  });

  it('treats a reused PID with another start time as a dead holder', async () => {
    const path = join(dir, 'e.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, startTime: 1, command: 'up', since: 'then' }));
    await expect(acquireLock(path, { subject: "lab 'e'", lab: 'e', command: 'up' })).rejects.toMatchObject({ code: 'E_LAB_STALE_LOCK' });
  });
});
