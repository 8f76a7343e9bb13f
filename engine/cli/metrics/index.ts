import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .option('--system <name>', "only this system (nothing of other systems is read; costs are left out: they are per organization)")
    .option('--from <date>', 'start of the period (date or date-time; default: a year before --to)')
    .option('--to <date>', 'end of the period (default: now); the ledger is read as it stood then')
    .option('--ref <ref>', 'measure a commit, branch or tag of the desired state instead of the working tree')
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--json', 'print the MetricsReport as JSON (engine/metrics/README.md)')
    .option('--markdown', 'print Markdown tables')
    .option('--prometheus', 'print the Prometheus text format (for node_exporter\'s textfile collector)')
    .option('--out <file>', 'write the output to this file atomically instead of printing it (e.g. /var/lib/node_exporter/plumbline.prom)')
    .option('--fail-on-target', 'exit 2 when a metric misses its target')
    .option('--by <grouping>', 'instead of the metrics: compliance with imported SCAP rules (plumb import scap) per rule or per NIST SP 800-53 control (rule|control); with --json or --markdown')
    .option('--concurrency <n>', 'hosts asked at the same time', '16')
    .addHelpText(
      'after',
      `
The eleven metrics of SP 800-40 table 3-1, each with its maturity level (3, 4 or 5):
  ratios (now, from the hosts' facts): vulnerabilities, unapplied patches and network services per host,
    counted twice: ignoring the perimeter, and only what is exposed (inventory perimeter: and exposure tags);
  times (over the period, from advisory imports, git and the ledger): identification (published → knew),
    patch response critical / non-critical (knew → every relevant host verified; analysis, testing, approval
    and deployment timed apart), emergency configuration response (knew → verified workaround);
  costs (per organization, from the inventory's program: section): group, administrator support, software,
    program failures.
Targets come from the inventory's targets: section. Exceptions and false positives are left out of the
figures and listed. Definitions: engine/metrics/README.md.

Exit codes: 0 measured, 1 error (invalid desired state or program settings, bad option), 2 with
--fail-on-target when a target is missed. Unreachable hosts are reported and left out of the ratios.

Examples:
  plumb metrics                                       every system, the last year
  plumb metrics --system payroll --from 2026-01-01    one system, for its owner
  plumb metrics --json | jq '.systems[].metrics[] | {id, met}'
  plumb metrics --markdown > metrics.md
  plumb metrics --by control                          hosts compliant per SP 800-53 control (imported SCAP rules)
  plumb metrics --facts facts.json --prometheus --out /var/lib/prometheus/node-exporter/plumbline.prom`,
    )
    .action(lazy(() => import('./action.js'), 'metricsAction'));
}
