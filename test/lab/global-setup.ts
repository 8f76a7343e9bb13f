import { existsSync, readFileSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { labDown, labNames, labRoots, missingTools } from '../../engine/lab/index.js';
import { imageIsCached } from '../../engine/lab/image.js';
import { acquireLock, type Lock } from '../../engine/lab/lock.js';
import { readLabFile } from '../../engine/lab/state.js';
import type { LabContext } from './context.js';

/**
 * Decides once per test run whether lab integration tests can run, and under which lab name — but does
 * not start the lab: the first test file that needs it does (test/lab/skip.ts), so a run of unit tests
 * alone never pays for it. At the end, the lab this run started is brought down. Details: README.md here.
 */

export function labAvailability(): { available: true } | { available: false; reason: string } {
  if (/^(0|off|false|no)$/i.test(process.env.PLUMB_LAB ?? '')) return { available: false, reason: 'PLUMB_LAB=0 turns the lab off' };
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { available: false, reason: `not root (uid ${uid}): the lab needs root for namespaces and mounts; run the integration tests as root (CI does)` };
  const missing = missingTools('up', { needsImage: !imageIsCached() });
  if (missing.length) {
    return { available: false, reason: `missing ${missing.map((m) => m.tool).join(', ')} (apt-get install ${[...new Set(missing.map((m) => m.pkg))].join(' ')})` };
  }
  if (!/\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8')) && !existsSync('/sys/module/overlay')) {
    return { available: false, reason: 'the kernel has no overlayfs (modprobe overlay)' };
  }
  return { available: true };
}

/**
 * The lab name of this run: $PLUMB_LAB_NAME, else `test`, or `test-2` … when another live test run (several
 * people share machines) holds `test`, or a person made a lab called `test` by hand.
 */
async function claimName(stateRoot: string): Promise<{ name: string; claim: Lock }> {
  const fixed = process.env.PLUMB_LAB_NAME;
  const candidates = fixed ? [fixed] : ['test', ...Array.from({ length: 8 }, (_, i) => `test-${i + 2}`)];
  for (const name of candidates) {
    const names = labNames(name, { stateRoot, cacheRoot: '/' });
    const existing = readLabFile(names);
    if (existing && !existing.owner && !fixed) continue;
    try {
      const claim = await acquireLock(`${stateRoot}/${name}.claim`, { subject: `test lab '${name}'`, command: 'test run', takeStale: true, waitMs: fixed ? 600_000 : 0 });
      return { name, claim };
    } catch {
      /* another live run holds it: next name */
    }
  }
  throw new Error(`every test lab name (${candidates.join(', ')}) is held by another live test run`);
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const availability = labAvailability();
  if (!availability.available) {
    project.provide('plumbLab', { available: false, reason: availability.reason } satisfies LabContext);
    process.stderr.write(`\n  lab integration tests will be SKIPPED: ${availability.reason}\n\n`);
    return undefined;
  }
  const roots = labRoots();
  let claimed: { name: string; claim: Lock };
  try {
    claimed = await claimName(roots.stateRoot);
  } catch (e) {
    const reason = `no lab name for this run: ${(e as Error).message}`;
    project.provide('plumbLab', { available: false, reason } satisfies LabContext);
    process.stderr.write(`\n  lab integration tests will be SKIPPED: ${reason}\n\n`);
    return undefined;
  }
  const { name, claim } = claimed;
  const keep = /^(1|yes|true)$/i.test(process.env.PLUMB_LAB_KEEP ?? '');
  // A kept lab is reused by the next run; otherwise each run owns a fresh one.
  const owner = keep ? 'kept' : `run-${process.pid}-${Date.now()}`;
  const hosts = Number(process.env.PLUMB_LAB_HOSTS ?? 4);
  project.provide('plumbLab', { available: true, name, hosts: Number.isInteger(hosts) && hosts > 0 ? hosts : 4, owner, stateDir: roots.stateRoot, cacheDir: roots.cacheRoot } satisfies LabContext);
  return async () => {
    try {
      const info = readLabFile(labNames(name, roots));
      // Only labs the harness made (they have an owner); we hold the name, so no live run is using it.
      if (info?.owner && !keep) await labDown({ name });
    } finally {
      claim.release();
    }
  };
}
