import type { Command } from 'commander';
import { UsageError } from '../../errors/index.js';
import { renderReport } from '../../report/index.js';
import { colours } from '../output.js';
import { globals } from '../program.js';
import { gatherMetricsInput } from '../metrics/inputs.js';
import { checkReportFolder, writeReportFolder } from './output.js';

interface ReportOptions {
  out?: string;
  system?: string;
  from?: string;
  to?: string;
  ref?: string;
  facts?: string;
  concurrency: string;
}

export async function reportAction(opts: ReportOptions, cmd: Command) {
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency '${opts.concurrency}' is not a positive whole number`);
  const { repo } = globals(cmd);
  checkReportFolder(opts.out!);
  const { input } = await gatherMetricsInput({ repo, ref: opts.ref, system: opts.system, from: opts.from, to: opts.to, facts: opts.facts, concurrency });
  const { files } = renderReport(input, { system: opts.system });
  writeReportFolder(opts.out!, files, input.now);
  const unreached = Object.values(input.hosts).filter((o) => !o.facts).length;
  if (unreached) process.stderr.write(colours(process.stderr).yellow(`warning: ${unreached} host(s) not reached; their pages say so\n`));
  const hostPages = [...files.keys()].filter((f) => f.startsWith('hosts/')).length;
  process.stdout.write(`wrote ${opts.out}/index.html${files.has('controls.html') ? ', controls.html' : ''} and ${hostPages} host page(s)\n`);
}

