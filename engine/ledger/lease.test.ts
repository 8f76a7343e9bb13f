import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { currentOwner } from './owner.js';
import { leasePath, leaseState, readLease, RunLease } from './lease.js';

const dirs: string[] = [];
const repo = () => {
  const d = mkdtempSync(join(tmpdir(), 'plumb-lease-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the run lease', () => {
  it('names its owner (host, pid, start time), refuses a second holder, and is gone after release', () => {
    const root = repo();
    const lease = RunLease.acquire(root, { purpose: 'reconcile' });
    lease.setRun('20261125T143000Z-ab12cd');
    const doc = readLease(root)!;
    expect(doc).toMatchObject({ purpose: 'reconcile', run: '20261125T143000Z-ab12cd', owner: { pid: process.pid, hostname: currentOwner().hostname, start: currentOwner().start } });
    RunLease.acquire(root, { purpose: 'apply' }).release(); // its own process may take it again
    lease.release();
    // Another live process holds it: refused, naming the holder.
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const start = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
      writeFileSync(leasePath(root), JSON.stringify({ ...doc, owner: { ...doc.owner, pid: child.pid, start } }));
      expect(leaseState(readLease(root)!)).toBe('held');
      expect(() => RunLease.acquire(root, { purpose: 'apply' })).toThrow(new RegExp(`another plumb run .*pid ${child.pid} on .*reconcile run 20261125T143000Z-ab12cd`));
    } finally {
      child.kill('SIGKILL');
    }
    rmSync(leasePath(root));
    expect(readLease(root)).toBeUndefined();
  });

  it('renews its heartbeat and notices when it was taken over', () => {
    const root = repo();
    let t = 1_000_000;
    let lost = false;
    const lease = RunLease.acquire(root, { purpose: 'reconcile', ttlMs: 10_000, now: () => t, onLost: () => (lost = true) });
    t += 5_000;
    expect(lease.renew()).toBe(true);
    expect(readLease(root)!.expiresAt).toBe(new Date(t + 10_000).toISOString());
    writeFileSync(leasePath(root), JSON.stringify({ ...readLease(root), acquiredAt: 'someone else' }));
    expect(lease.renew()).toBe(false);
    expect(lost).toBe(true);
    lease.release();
    expect(readLease(root)?.acquiredAt).toBe('someone else'); // never removes a lease that is not its own
  });

  it("takes over a dead owner's lease at once, and a foreign owner's only once it expired", () => {
    const root = repo();
    const me = currentOwner();
    const dead = { v: 1, owner: { ...me, pid: 999_999_999 }, purpose: 'reconcile', acquiredAt: 'x', renewedAt: 'x', expiresAt: new Date(Date.now() + 60_000).toISOString() };
    writeFileSync(leasePath(root), JSON.stringify(dead));
    expect(leaseState(readLease(root)!)).toBe('dead');
    RunLease.acquire(root, { purpose: 'apply' }).release();
    const foreign = { ...dead, owner: { pid: 1, hostname: 'another-controller' } };
    writeFileSync(leasePath(root), JSON.stringify(foreign));
    expect(() => RunLease.acquire(root, { purpose: 'apply' })).toThrow(/another plumb run .*another-controller/);
    writeFileSync(leasePath(root), JSON.stringify({ ...foreign, expiresAt: new Date(Date.now() - 1).toISOString() }));
    expect(leaseState(readLease(root)!)).toBe('expired');
    const taken = RunLease.acquire(root, { purpose: 'apply' });
    expect(JSON.parse(readFileSync(leasePath(root), 'utf8')).owner.pid).toBe(process.pid);
    taken.release();
  });
});
