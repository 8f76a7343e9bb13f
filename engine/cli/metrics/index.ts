import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { OutputWriteFailed, UsageError } from '../../errors/index.js';
import { computeMetrics } from '../../metrics/compute.js';
import { renderHuman } from '../../metrics/render/human.js';
import { renderMarkdown } from '../../metrics/render/markdown.js';
import { renderPrometheus } from '../../metrics/render/prometheus.js';
import type { MetricsReport } from '../../metrics/types.js';
import { colours } from '../output.js';
import { globals } from '../program.js';
import { gatherMetricsInput } from './inputs.js';
import { writeFileAtomic } from './write.js';

interface MetricsOptions {
  system?: string;
  from?: string;
  to?: string;
  ref?: string;
  facts?: string;
  json?: boolean;
  markdown?: boolean;
  prometheus?: boolean;
  out?: string;
  failOnTarget?: boolean;
  concurrency: string;
}

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('measure the patch program: the SP 800-40 metrics per system, raw and per host, by severity, against targets')
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
  plumb metrics --facts facts.json --prometheus --out /var/lib/prometheus/node-exporter/plumbline.prom`,
    )
    .action(async (opts: MetricsOptions, cmd: Command) => {
      if ([opts.json, opts.markdown, opts.prometheus].filter(Boolean).length > 1) throw new UsageError('choose one of --json, --markdown and --prometheus');
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency '${opts.concurrency}' is not a positive whole number`);
      const { repo } = globals(cmd);
      if (opts.out && !existsSync(dirname(resolve(opts.out)))) throw new OutputWriteFailed(opts.out, 'its folder does not exist');
      const { input, storeProblems } = await gatherMetricsInput({ repo, ref: opts.ref, system: opts.system, from: opts.from, to: opts.to, facts: opts.facts, concurrency });
      const report = computeMetrics(input, { system: opts.system });
      const err = colours(process.stderr);
      if (storeProblems.length) process.stderr.write(err.yellow(`warning: ${storeProblems.length} advisory store file(s) could not be read and were not matched (plumb advisories list shows them)\n`));
      const unreached = Object.entries(input.hosts).filter(([, o]) => !o.facts);
      if (unreached.length) process.stderr.write(err.yellow(`warning: ${unreached.length} host(s) not reached, left out of the ratios: ${unreached.map(([h, o]) => `${h} (${o.error?.code ?? 'no facts'})`).join(', ')}\n`));
      const text = opts.json ? `${JSON.stringify(report, null, 2)}\n` : opts.markdown ? renderMarkdown(report) : opts.prometheus ? renderPrometheus(report) : renderHuman(report, opts.out ? undefined : colours());
      if (opts.out) {
        writeFileAtomic(opts.out, text);
        process.stdout.write(`wrote ${opts.out}\n`);
      } else process.stdout.write(text);
      if (opts.failOnTarget && missed(report)) process.exitCode = 2;
    });
}

export function missed(report: MetricsReport): boolean {
  const scopes = [...report.systems, ...(report.organization ? [report.organization] : [])];
  return scopes.some((s) => s.metrics.some((m) => m.met === false)) || Boolean(report.costs?.some((m) => m.met === false));
}
