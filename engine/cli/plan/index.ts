import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .option('--host <name...>', 'only these hosts')
    .option('--system <name>', "only this system's hosts")
    .option('--ring <name>', "only this ring's hosts")
    .option('--ref <ref>', 'plan a commit, branch or tag instead of the working tree')
    .option('--facts <file>', 'plan against a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--json', 'print the plan as JSON (the format apply reads)')
    .option('--markdown', 'print the plan as a pull-request comment')
    .option('--format <format>', 'human, json, markdown, or arf: the verdicts of imported SCAP rules as an ARF 1.1 / XCCDF 1.2 result data stream (with --datastream)')
    .option('--datastream <file>', 'with --format arf: the SCAP data stream the baselines were imported from (plumb import scap)')
    .option('--out <file>', 'also save the plan as JSON, for `plumb apply <file>`')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
Each host's real state is gathered over SSH in one round trip, compared with its baseline and
every remediation that applies to it, and turned into an ordered list of actions. Remediations
the board has not approved for the host's ring are listed as awaiting approval, never planned.
Findings covered by an approved exception are listed as suppressed.

With --format arf, each host whose baseline came from \`plumb import scap\` gets an XCCDF 1.2
TestResult: pass, fail, error (not judged), notapplicable, notchecked (rules plumb cannot map) or
notselected per rule, inside an ARF 1.1 collection that oscap and other SCAP tools read.

Exit codes: 0 no changes, 2 changes pending, 1 error (invalid desired state, unreachable host).

Examples:
  plumb plan                                   every host, against the working tree
  plumb plan --ring pilot --out plan.json      save the pilot ring's plan for apply
  plumb facts --all --out facts.json           (where hosts are reachable) then, in CI:
  plumb plan --ref HEAD --facts facts.json --markdown > plan.md
  plumb plan --format arf --datastream /usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml > arf.xml
  oscap xccdf generate report arf.xml > report.html      (read plumb's verdicts with OpenSCAP)`,
    )
    .action(lazy(() => import('./action.js'), 'planAction'));
}
