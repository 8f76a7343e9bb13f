import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { beforeAll, describe, inject, it } from 'vitest';
import { hostExec, labUp, resetHost, sshArgs, type LabHost, type LabInfo } from '../../engine/lab/index.js';
import { acquireLock, type Lock } from '../../engine/lab/lock.js';
import './context.js';

/**
 * How integration tests use the lab. `describeLab` gives a suite the shared lab of this run (started on
 * first use); when the lab cannot run here, the suite is reported as skipped with the reason in its name.
 * See README.md here for the conventions (which hosts a test may change, and how).
 */

const ctx = inject('plumbLab');

/** Why lab tests are skipped in this run, or null when they run. */
export const labSkipReason: string | null = ctx?.available === false ? ctx.reason : ctx ? null : 'test/lab/global-setup.ts did not run (not in the vitest config?)';

let shared: Promise<LabInfo> | undefined;

/** The shared lab of this run, started by the first caller in any worker and reused by the others. */
export function useTestLab(): Promise<LabInfo> {
  if (!ctx?.available) return Promise.reject(new Error(`the lab is not available: ${labSkipReason}`));
  shared ??= labUp({
    name: ctx.name,
    hosts: ctx.hosts,
    owner: ctx.owner,
    reuse: true,
    replace: true,
    stateDir: ctx.stateDir,
    cacheDir: ctx.cacheDir,
    lockWaitMs: 30 * 60_000,
  });
  return shared;
}

function skipped(name: string): void {
  describe.skip(`${name} [skipped: ${labSkipReason}]`, () => {
    it(`needs the lab: ${labSkipReason}`, () => {});
  });
}

/** A suite that runs on the shared lab; `lab()` returns it inside tests and hooks. */
export function describeLab(name: string, fn: (lab: () => LabInfo) => void): void {
  if (labSkipReason) return skipped(name);
  describe(name, () => {
    let info: LabInfo | undefined;
    beforeAll(async () => {
      info = await useTestLab();
    }, 30 * 60_000);
    fn(() => {
      if (!info) throw new Error('the lab did not come up (see the beforeAll error)');
      return info;
    });
  });
}

/** A suite that needs what the lab needs (root, tools) but makes its own labs. */
export function describeLabMachine(name: string, fn: () => void): void {
  if (labSkipReason) return skipped(name);
  describe(name, fn);
}

export interface ClaimedHost {
  host: LabHost;
  /** Resets the host to the standard image and frees it for other tests. */
  release(): Promise<void>;
}

/**
 * Exclusive use of one host of the shared lab, for a test that changes it (installs, removes, edits).
 * Waits while all hosts are claimed by other workers. Release puts the host back to the standard image.
 */
export async function claimHost(info: LabInfo, waitMs = 10 * 60_000): Promise<ClaimedHost> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (const host of info.hosts) {
      let lock: Lock;
      try {
        lock = await acquireLock(join(info.stateDir, 'claims', `${host.name}.lock`), { subject: `host ${host.name}`, command: 'claim (test)', takeStale: true });
      } catch {
        continue;
      }
      // A claim taken over from a worker that died may leave a changed host: reset it first.
      if (lock.tookOverFrom) await resetHost({ name: info.name, host: host.name, stateDir: dirname(info.stateDir) });
      return {
        host,
        release: async () => {
          try {
            await resetHost({ name: info.name, host: host.name, stateDir: dirname(info.stateDir) });
          } finally {
            lock.release();
          }
        },
      };
    }
    if (Date.now() > deadline) throw new Error(`no host of lab '${info.name}' became free within ${waitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs a command on a lab host with the plain OpenSSH client (strict host key checking against the lab's known_hosts). */
export function ssh(info: LabInfo, host: LabHost, command: string, user = 'root'): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ssh', [...sshArgs(info, host, user), command], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a script as root on a host without SSH (nsenter), for set-up and inspection. */
export async function onHost(info: LabInfo, host: LabHost, script: string): Promise<string> {
  const r = await hostExec(info, host.name, script);
  if (r.code !== 0) throw new Error(`on ${host.name}: \`${script}\` exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}
