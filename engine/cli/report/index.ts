import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .requiredOption('--out <dir>', 'the folder to write (new, empty, or an earlier report, which is replaced)')
    .option('--system <name>', "only this system: the report says nothing about any other, so its owner can be given it")
    .option('--from <date>', 'start of the period (default: a year before --to)')
    .option('--to <date>', 'end of the period (default: now)')
    .option('--ref <ref>', 'report on a commit, branch or tag of the desired state instead of the working tree')
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--concurrency <n>', 'hosts asked at the same time', '16')
    .addHelpText(
      'after',
      `
The report is plain files: index.html (compliance per system, the SP 800-40 metrics by maturity
level, open vulnerabilities by severity over time, patch latency critical vs non-critical, rollout
progress per ring, what was left out and why) and hosts/<host>.html (findings with the YAML behind
them, vulnerabilities, services, every run that touched the host and the commits behind it).
Nothing is loaded from anywhere: open index.html from disk, or serve the folder.

Exit codes: 0 written, 1 error (invalid desired state, unusable folder, bad option).

Examples:
  plumb report --out report/
  plumb report --out /srv/reports/payroll --system payroll --from 2026-01-01
  plumb report --out report/ --facts facts.json --ref main`,
    )
    .action(lazy(() => import('./action.js'), 'reportAction'));
}
