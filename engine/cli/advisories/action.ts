import type { Command } from 'commander';
import { FORMATS } from '../../advisories/formats.js';
import { importAdvisories, type ImportReport } from '../../advisories/import.js';
import { loadStore, storePath } from '../../advisories/store.js';
import { SEVERITIES, type AdvisorySource, type Severity, type StoredAdvisory } from '../../advisories/types.js';
import { UnknownAdvisory, UsageError } from '../../errors/index.js';
import { similar } from '../../model/validate.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { renderAdvisory, renderImport, renderList, renderProblems } from './render.js';

export async function importAction(sources: string[], opts: { format?: string; maxBytes: string; refresh?: boolean; json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  if (opts.format && !FORMATS.some((f) => f.id === opts.format)) throw new UsageError(`unknown format '${opts.format}'`, `choose one of ${FORMATS.map((f) => f.id).join(', ')}`);
  const maxBytes = Number(opts.maxBytes);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new UsageError(`--max-bytes must be a positive whole number, not '${opts.maxBytes}'`);
  const now = new Date();
  const reports: ImportReport[] = [];
  for (const source of sources) {
    reports.push(await importAdvisories(repo, source, { format: opts.format as AdvisorySource | undefined, maxBytes, refresh: opts.refresh, now }));
  }
  const report = merge(reports);
  if (opts.json) printJson(report);
  else process.stdout.write(`${renderImport(report)}\n`);
  process.exitCode = report.errors ? 1 : 0;
}

export function listAction(opts: { package?: string; source?: string; severity?: string; json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  if (opts.severity && !SEVERITIES.includes(opts.severity as Severity)) throw new UsageError(`unknown severity '${opts.severity}'`, `choose one of ${SEVERITIES.join(', ')}`);
  const { advisories: all, problems } = loadStore(repo);
  const order: Severity[] = ['critical', 'high', 'medium', 'unknown', 'low', 'negligible'];
  const list = all.filter(
    (a) =>
      (!opts.source || a.source === opts.source) &&
      (!opts.package || a.affected.some((x) => x.package === opts.package || x.binaries?.includes(opts.package!))) &&
      (!opts.severity || order.indexOf(a.severity) <= order.indexOf(opts.severity as Severity)),
  );
  for (const line of renderProblems(problems, colours(process.stderr))) process.stderr.write(`${line}\n`);
  if (opts.json) printJson(list);
  else process.stdout.write(`${renderList(list)}\n`);
  process.exitCode = problems.some((p) => p.severity === 'error') ? 1 : 0;
}

export function showAction(id: string, opts: { json?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const { advisories: all, problems } = loadStore(repo);
  const want = id.toUpperCase();
  const exact = all.filter((a) => a.id.toUpperCase() === want);
  const found: StoredAdvisory[] = exact.length ? exact : all.filter((a) => a.aliases.some((x) => x.toUpperCase() === want));
  if (!found.length) {
    for (const line of renderProblems(problems, colours(process.stderr))) process.stderr.write(`${line}\n`);
    throw new UnknownAdvisory(id, all.map((a) => a.id).filter((x) => similar(x.toUpperCase(), want)).slice(0, 5));
  }
  if (opts.json) printJson(found.length === 1 && exact.length ? found[0] : found);
  else process.stdout.write(`${found.map((a) => renderAdvisory(a, storePath(a.source, a.id))).join('\n\n')}\n`);
}


function merge(reports: ImportReport[]): ImportReport {
  const out: ImportReport = { inputs: [], new: [], updated: [], unchanged: 0, older: [], problems: [], errors: 0, warnings: 0 };
  for (const r of reports) {
    out.inputs.push(...r.inputs);
    out.new.push(...r.new);
    out.updated.push(...r.updated);
    out.unchanged += r.unchanged;
    out.older.push(...r.older);
    out.problems.push(...r.problems);
    out.errors += r.errors;
    out.warnings += r.warnings;
  }
  return out;
}
