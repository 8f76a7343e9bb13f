import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputWriteFailed, ReportOutputRefused } from '../../errors/index.js';

export const MARKER = '.plumb-report';
const OURS = new Set(['index.html', 'hosts', MARKER]);

/**
 * Replaces the report folder as a whole: the new report is written beside it and renamed into place, so a reader
 * (a web server, a person with the old index open) never sees a mix of two reports. A folder is only replaced when
 * it is empty or holds an earlier report (its marker file and nothing else of anyone's).
 */
export function writeReportFolder(dir: string, files: Map<string, string>, stamp: string): void {
  const { target, parent } = checkReportFolder(dir);
  const fresh = join(parent, `.${basename(target)}.new-${process.pid}`);
  const old = join(parent, `.${basename(target)}.old-${process.pid}`);
  try {
    rmSync(fresh, { recursive: true, force: true });
    mkdirSync(join(fresh, 'hosts'), { recursive: true });
    for (const [path, content] of files) writeFileSync(join(fresh, path), content);
    writeFileSync(join(fresh, MARKER), `${JSON.stringify({ generator: 'plumb report', generatedAt: stamp })}\n`);
    if (existsSync(target)) renameSync(target, old);
    renameSync(fresh, target);
    rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    throw new OutputWriteFailed(dir, (e as Error).message, e);
  }
}

/** Refuses, before any work is done, a folder the report may not replace. */
export function checkReportFolder(dir: string): { target: string; parent: string } {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new ReportOutputRefused(dir, 'it is a file');
    const entries = readdirSync(target);
    const foreign = entries.filter((e) => !OURS.has(e));
    if (entries.length && (!entries.includes(MARKER) || foreign.length)) {
      throw new ReportOutputRefused(dir, foreign.length ? `it holds files that are not a report (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})` : 'it holds files that are not a report');
    }
  }
  const parent = dirname(target);
  if (!existsSync(parent)) throw new ReportOutputRefused(dir, `its parent folder ${parent} does not exist`);
  return { target, parent };
}
