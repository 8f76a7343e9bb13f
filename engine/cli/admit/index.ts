import type { Command } from 'commander';
import { UnknownObject } from '../../errors/index.js';
import { EXIT_CODE, judge, type AdmissionDecision } from '../../serve/admission.js';
import { safeJson, visible } from '../../serve/escape.js';
import { HostLookup } from '../../serve/lookup.js';
import { buildState, factsPath } from '../../serve/state.js';
import { colours } from '../output.js';
import { globals } from '../program.js';

interface AdmitOptions {
  ref: string;
  facts?: string;
  json?: boolean;
}

export function registerAdmit(program: Command): void {
  program
    .command('admit')
    .description('may this host join the network? admit, quarantine or deny, with the reasons (SP 800-40 2.9.3)')
    .argument('<host>', 'the host: its inventory name, its address, or one of its MAC addresses')
    .option('--ref <ref>', 'judge against this commit, branch or tag of the desired state', 'HEAD')
    .option('--facts <file>', "use this facts snapshot instead of the reconciler's newest facts (.plumb/facts/latest.json)")
    .option('--json', 'print the decision as JSON')
    .addHelpText(
      'after',
      `
The same verdict plumb serve gives on GET /v1/admission/HOST, from the same sources: the desired state
at --ref, the newest facts the reconciler kept (or --facts), the ledger and the advisory store. The
rules and what each gives are the inventory's admission: section (engine/serve/README.md):
  compromised    the host is marked compromised in the inventory (default: deny)
  overdue        an open vulnerability of a watched severity is past its deadline (default: critical → quarantine)
  noncompliant   open findings against the baseline; approved exceptions do not count (default: quarantine)
  stale-facts    facts older than facts_max_age, or none (default: older than 24h → quarantine)
The verdict is the strictest any rule gives.

Exit codes: 0 admit, 3 quarantine, 4 deny, 1 error (unknown host, invalid desired state, unreadable facts).

Examples:
  plumb admit web-1
  plumb admit 52:54:00:12:34:56 --json | jq -r .verdict
  plumb admit 10.0.0.7 --facts facts.json || echo "not admitted: $?"`,
    )
    .action(async (id: string, opts: AdmitOptions, cmd: Command) => {
      const { repo } = globals(cmd);
      const now = new Date();
      let name: string | undefined;
      const state = await buildState({ repo, ref: opts.ref, facts: opts.facts }, now, {
        select: (model) => {
          name = new HostLookup(model.hosts.values()).find(id);
          if (!name) throw new UnknownObject('host', id, [...model.hosts.keys()]);
          return [model.hosts.get(name)!];
        },
      });
      const decision = judge(state.subjects.get(name!)!, state.policy, now);
      if (opts.json) process.stdout.write(`${safeJson({ ...decision, commit: state.commit, policy: state.policy.source ?? 'defaults', facts: factsPath({ repo, ref: opts.ref, facts: opts.facts }) }, 2)}\n`);
      else process.stdout.write(render(decision, state.commit, state.policy.source));
      process.exitCode = EXIT_CODE[decision.verdict];
    });
}

function render(d: AdmissionDecision, commit: string | null, policy: string | undefined): string {
  const c = colours();
  const paint = { admit: c.green, quarantine: c.yellow, deny: c.red }[d.verdict];
  const lines = [`${visible(d.host)} (${visible(d.system)}): ${paint(d.verdict.toUpperCase())}`];
  for (const r of d.reasons) lines.push(`  ${r.verdict.padEnd(10)} ${r.rule.padEnd(13)} ${visible(r.message)}`);
  if (!d.reasons.length) lines.push('  breaks no admission rule');
  const age = d.factsAgeSeconds === null ? 'no facts' : `facts ${Math.round(d.factsAgeSeconds / 60)} min old`;
  lines.push(c.dim(`${age} · desired state ${commit ? commit.slice(0, 12) : 'working tree'} · policy ${policy ?? 'defaults (no admission: section)'}`));
  return `${lines.join('\n')}\n`;
}
