import type { Command } from 'commander';
import { HTTP_CACHE_FILE } from '../../advisories/http.js';
import { DEFAULT_JSON_LIMITS } from '../../advisories/json-text.js';
import { SEVERITIES } from '../../advisories/types.js';
import { lazy } from '../lazy.js';

/**
 * The importers' ids and descriptions, in detection order, for the help text: importing FORMATS would load every
 * importer and ajv on each start of plumb. index.test.ts keeps this equal to FORMATS.
 */
export const FORMAT_HELP: ReadonlyArray<{ id: string; description: string }> = [
  { id: 'csaf', description: 'CSAF 2.0 documents (security advisories and VEX), e.g. Red Hat RHSA' },
  { id: 'osv', description: 'OSV records (Debian, Ubuntu, AlmaLinux, Rocky, Red Hat ecosystems): one record, an array, or {"vulns": [...]}' },
  { id: 'debian-tracker', description: 'the Debian security tracker JSON (all source packages, per release)' },
];

export function registerAdvisories(program: Command): void {
  const advisories = program
    .command('advisories');

  advisories
    .command('import')
    .description('import advisories from files, directories or http(s) URLs into advisories/')
    .argument('<source...>', 'a JSON file (.json or .json.gz), a directory of them, or an http(s) URL')
    .option('--format <format>', `skip detection: ${FORMAT_HELP.map((f) => f.id).join(', ')}`)
    .option('--max-bytes <n>', 'largest input accepted, in bytes', String(DEFAULT_JSON_LIMITS.maxBytes))
    .option('--refresh', 'URLs: fetch the whole body even if the server says it has not changed')
    .option('--json', 'print the import report as JSON')
    .addHelpText(
      'after',
      `
Formats are detected: ${FORMAT_HELP.map((f) => `\n  ${f.id.padEnd(15)} ${f.description}`).join('')}

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
    .action(lazy(() => import('./action.js'), 'importAction'));

  advisories
    .command('list')
    .description('list the stored advisories')
    .option('--package <name>', 'only advisories naming this package (source or binary)')
    .option('--source <source>', `only this source: ${FORMAT_HELP.map((f) => f.id).join(', ')}`)
    .option('--severity <level>', `only this severity or worse: ${SEVERITIES.join(', ')}`)
    .option('--json', 'print the advisories as JSON')
    .addHelpText(
      'after',
      `
Examples:
  plumb advisories list --package openssl
  plumb advisories list --severity high --json | jq -r '.[].id'`,
    )
    .action(lazy(() => import('./action.js'), 'listAction'));

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
    .action(lazy(() => import('./action.js'), 'showAction'));
}
