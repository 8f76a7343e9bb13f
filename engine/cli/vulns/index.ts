import type { Command } from 'commander';
import { UsageError } from '../../errors/index.js';
import { renderProblems } from '../advisories/render.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { assessFleet } from './fleet.js';
import { exitCodeFor } from './report.js';
import { renderVulns } from './render.js';

interface VulnsOptions {
  host?: string[];
  system?: string;
  ref?: string;
  facts?: string;
  mirror: boolean;
  worklist?: boolean;
  all?: boolean;
  json?: boolean;
  concurrency: string;
}

export function registerVulns(program: Command): void {
  program
    .command('vulns')
    .description('the vulnerabilities present on each host and system: fixed on the mirror?, remediation approved?, excepted?')
    .option('--host <name...>', 'only these hosts')
    .option('--system <name>', "only this system's hosts")
    .option('--ref <ref>', 'judge with the remediations, approvals and exceptions of a commit, branch or tag instead of the working tree')
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--no-mirror', "do not read the policy's mirrors (whether a fix is available is then unknown)")
    .option('--worklist', 'also print the open vulnerabilities in work order: tier, deadline, score and the reasons')
    .option('--all', 'also list vulnerabilities an exception excuses or a VEX statement declares not affecting')
    .option('--json', 'print the report as JSON')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
Advisories come from the store under advisories/ (plumb advisories import), matched against each
host's installed packages (gathered over SSH in one round trip, or read from --facts). For every
vulnerability the report says whether the internal mirror carries the fix (read once from its
signed index, policy.mirrors), which remediation answers it and whether the board approved it for
the host's ring, and whether an exception excuses it. Each open vulnerability gets a priority tier
and deadline from the policy (SP 800-40 2.4).

Exit codes: 0 no open vulnerabilities, 2 vulnerabilities open, 1 error (a host not examined,
an unreadable advisory file, invalid desired state).

Examples:
  plumb vulns                                   every host, grouped per system
  plumb vulns --system payroll --worklist       one system, with its ordered work list
  plumb vulns --json | jq '.hosts[].entries[] | select(.open) | .vulnerability'
  plumb vulns --facts facts.json --no-mirror    offline, from a snapshot`,
    )
    .action(async (opts: VulnsOptions, cmd: Command) => {
      const { repo } = globals(cmd);
      const concurrency = Number(opts.concurrency);
      if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number, not '${opts.concurrency}'`);
      const fleet = await assessFleet({ repo, ref: opts.ref, host: opts.host, system: opts.system, facts: opts.facts, mirror: opts.mirror, concurrency, worklist: opts.worklist });
      const errors = fleet.storeProblems.filter((p) => p.severity === 'error');
      for (const line of renderProblems(fleet.storeProblems, colours(process.stderr))) process.stderr.write(`${line}\n`);
      if (errors.length) process.stderr.write(colours(process.stderr).red(`plumb: ${errors.length} advisory file(s) could not be read; their advisories were not matched\n`));
      if (opts.json) printJson(fleet.report);
      else process.stdout.write(renderVulns(fleet.report, fleet.loaded.model, { all: opts.all }));
      process.exitCode = errors.length ? 1 : exitCodeFor(fleet.report);
    });
}
