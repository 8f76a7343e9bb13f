import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { plumbDir } from '../model/state-dir.js';
import { RunLocked } from '../errors/index.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One plumb run per repository at a time: .plumb/run.lock, created exclusively, holding the owner's PID. A lock whose
 * process is gone (a crash, a kill -9) is stale and taken over; a live one is refused with who holds it.
 */
export function acquireLock(root: string): () => void {
  const path = join(plumbDir(root), 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid) && pid !== process.pid) throw new RunLocked(path, pid);
      rmSync(path, { force: true });
    }
  }
  throw new RunLocked(path, -1);
}
