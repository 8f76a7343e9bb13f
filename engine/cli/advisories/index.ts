import type { Command } from 'commander';
import { FORMATS } from '../../advisories/formats.js';
import { HTTP_CACHE_FILE } from '../../advisories/http.js';
import { importAdvisories, type ImportReport } from '../../advisories/import.js';
import { DEFAULT_JSON_LIMITS } from '../../advisories/json-text.js';
import { loadStore, storePath } from '../../advisories/store.js';
import { SEVERITIES, type AdvisorySource, type Severity, type StoredAdvisory } from '../../advisories/types.js';
import { UnknownAdvisory, UsageError } from '../../errors/index.js';
import { similar } from '../../model/validate.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { renderAdvisory, renderImport, renderList, renderProblems } from './render.js';

export function registerAdvisories(program: Command): void {
  const advisories = program
    .command('advisories')
    .description('import vulnerability advisories (OSV, CSAF/VEX, Debian security tracker) into the advisories/ store, list and show them');

  advisories
    .command('import')
    .description('import advisories from files, directories or http(s) URLs into advisories/')
    .argument('<source...>', 'a JSON file (.json or .json.gz), a directory of them, or an http(s) URL')
    .option('--format <format>', `skip detection: ${FORMATS.map((f) => f.id).join(', ')}`)
    .option('--max-bytes <n>', 'largest input accepted, in bytes', String(DEFAULT_JSON_LIMITS.maxBytes))
    .option('--refresh', 'URLs: fetch the whole body even if the server says it has not changed')
    .option('--json', 'print the import report as JSON')
    .addHelpText(
      'after',
      `
Formats are detected: ${FORMATS.map((f) => `\n  ${f.id.padEnd(15)} ${f.description}`).join('')}

Each advisory becomes advisories/<source>/<id>.json (see advisories/README.md). A newer revision
(by modified date) replaces the stored one and the change is reported; an older one is ignored
and reported; the same content changes nothing. Malformed records are reported as
file:line:col with their JSON pointer and skipped; the rest is imported.

URLs are fetched with If-None-Match / If-Modified-Since from the last successful fetch
(${HTTP_CACHE_FILE}), so a scheduled run downloads only what changed.

Exit codes: 0 imported, 1 some input or record could not be imported (the rest was).

Examples:
  plumb advisories import ~/feeds/osv-debian/                 a directory of OSV records
  plumb advisories import rhsa-2024_1234.json vex.json        CSAF advisories and VEX
  plumb advisories import https://security-tracker.debian.org/tracker/data/json
  plumb advisories import --json feed.json | jq '.updated[] | {id, changes}'`,
    )
    .action(async (sources: string[], opts: { format?: string; maxBytes: string; refresh?: boolean; json?: boolean }, cmd: Command) => {
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
    });

  advisories
    .command('list')
    .description('list the stored advisories')
    .option('--package <name>', 'only advisories naming this package (source or binary)')
    .option('--source <source>', `only this source: ${FORMATS.map((f) => f.id).join(', ')}`)
    .option('--severity <level>', `only this severity or worse: ${SEVERITIES.join(', ')}`)
    .option('--json', 'print the advisories as JSON')
    .addHelpText(
      'after',
      `
Examples:
  plumb advisories list --package openssl
  plumb advisories list --severity high --json | jq -r '.[].id'`,
    )
    .action((opts: { package?: string; source?: string; severity?: string; json?: boolean }, cmd: Command) => {
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
    });

  advisories
    .command('show')
    .description('show one advisory: ids, severity, affected packages and fixed versions per release')
    .argument('<id>', 'an advisory id (DSA-5678-1, RHSA-2024:1234) or an alias such as a CVE id')
    .option('--json', 'print the stored advisory (or advisories, for an alias) as JSON')
    .addHelpText(
      'after',
      `
A CVE id shows every stored advisory that names it.

Examples:
  plumb advisories show DSA-3029-1
  plumb advisories show CVE-2021-3782`,
    )
    .action((id: string, opts: { json?: boolean }, cmd: Command) => {
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
    });
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
