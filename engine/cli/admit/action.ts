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

export async function admitAction(id: string, opts: AdmitOptions, cmd: Command) {
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
