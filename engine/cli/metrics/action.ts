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
  by?: string;
  concurrency: string;
}

export async function metricsAction(opts: MetricsOptions, cmd: Command) {
  if ([opts.json, opts.markdown, opts.prometheus].filter(Boolean).length > 1) throw new UsageError('choose one of --json, --markdown and --prometheus');
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency '${opts.concurrency}' is not a positive whole number`);
  const { repo } = globals(cmd);
  if (opts.out && !existsSync(dirname(resolve(opts.out)))) throw new OutputWriteFailed(opts.out, 'its folder does not exist');
  const { input, storeProblems } = await gatherMetricsInput({ repo, ref: opts.ref, system: opts.system, from: opts.from, to: opts.to, facts: opts.facts, concurrency });
  if (opts.by !== undefined) {
    if (opts.by !== 'rule' && opts.by !== 'control') throw new UsageError(`--by '${opts.by}' is not rule or control`);
    if (opts.prometheus) throw new UsageError('--by prints tables or JSON, not the Prometheus format');
    const { compliance, renderCompliance } = await import('../../scap/compliance.js');
    const facts = new Map(Object.entries(input.hosts).flatMap(([h, o]) => (o.facts ? [[h, o.facts] as const] : [])));
    const c = compliance(input.model, facts);
    const text = opts.json ? `${JSON.stringify({ by: opts.by, hosts: c.hosts, ...(opts.by === 'rule' ? { rules: c.rules } : { controls: c.controls }) }, null, 2)}\n` : renderCompliance(c, opts.by, Boolean(opts.markdown));
    if (opts.out) writeFileAtomic(opts.out, text);
    else process.stdout.write(text);
    return;
  }
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
}


export function missed(report: MetricsReport): boolean {
  const scopes = [...report.systems, ...(report.organization ? [report.organization] : [])];
  return scopes.some((s) => s.metrics.some((m) => m.met === false)) || Boolean(report.costs?.some((m) => m.met === false));
}
