import type { Command } from 'commander';
import { nextIds, proposalGroups, remediationFor, type KnownRemediation } from '../../advisories/propose.js';
import { ProposalInvalid, UsageError } from '../../errors/index.js';
import { loadRepository } from '../../model/load.js';
import type { Model } from '../../model/types.js';
import { colours, formatProblem, plural, printJson } from '../output.js';
import { globals } from '../program.js';
import { assessFleet } from '../vulns/fleet.js';
import { moveBranch, pathsUnder, proposalTarget, writeProposalCommit } from './branch.js';
import { proposalMessage } from './message.js';
import { remediationPath, remediationYaml } from './yaml.js';

interface ProposeOptions {
  host?: string[];
  system?: string;
  facts?: string;
  mirror: boolean;
  branch?: string;
  author?: string;
  dryRun?: boolean;
  json?: boolean;
  concurrency: string;
}

export async function proposeAction(opts: ProposeOptions, cmd: Command) {
  const { repo } = globals(cmd);
  const concurrency = Number(opts.concurrency);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive whole number, not '${opts.concurrency}'`);
  const author = parseAuthor(opts.author ?? '');
  const now = new Date();
  const branch = opts.branch ?? `plumb/propose-${now.toISOString().slice(0, 10)}`;
  const target = await proposalTarget(repo, branch);
  const fleet = await assessFleet({ repo, host: opts.host, system: opts.system, facts: opts.facts, mirror: opts.mirror, concurrency, now });
  const c = colours(process.stderr);
  for (const h of fleet.report.hosts) if (h.error) process.stderr.write(c.yellow(`plumb: ${h.host} was not examined (${h.error.message}); nothing is proposed for it\n`));

  // What already exists anywhere a reviewer would look: never propose a second answer to the same question.
  const models: Array<[string, Model]> = [['working tree', fleet.loaded.model]];
  models.push(['HEAD', (await loadRepository(repo, 'HEAD')).model]);
  if (target.tip) models.push([`branch ${branch}`, (await loadRepository(repo, target.tip)).model]);
  const known: KnownRemediation[] = models.flatMap(([where, m]) => [...m.remediations.values()].map((r) => ({ id: r.id, advisories: r.advisories, selector: r.selector, where: `${where}, ${r.source.file}` })));
  const { groups, skipped } = proposalGroups({ hosts: fleet.report.hosts.filter((h) => !h.error), known, mirrors: fleet.mirrors, judgedIn: 'working tree' });

  const taken = new Set(known.map((k) => k.id));
  const existing = await pathsUnder(target, 'remediations');
  const ids = nextIds(groups.length, now.getUTCFullYear(), taken);
  const items = groups.map((group, i) => {
    let id = ids[i]!;
    let path = remediationPath(id, group.sourcePackage);
    while (existing.has(path) || taken.has(id)) {
      id = nextIds(1, now.getUTCFullYear(), [...taken, id])[0]!;
      path = remediationPath(id, group.sourcePackage);
    }
    taken.add(id);
    const doc = remediationFor(group, id, now);
    return { id, path, group, doc, text: remediationYaml(doc, group, now) };
  });
  const message = proposalMessage(items, skipped, { branch, advisories: fleet.report.advisories, hosts: fleet.report.hosts.length });
  const summary = {
    branch,
    base: target.base,
    commit: null as string | null,
    dryRun: Boolean(opts.dryRun),
    proposed: items.map(({ id, path, group }) => ({ id, file: path, ...group })),
    skipped,
    message,
  };

  if (!items.length) {
    if (opts.json) printJson(summary);
    else process.stdout.write(`${colours().green('nothing to propose')}: no open vulnerability with a published fix lacks a remediation${skipped.length ? `\n${skipped.map((s) => `  ${s.sourcePackage} (${s.release}): ${s.reason}`).join('\n')}` : ''}\n`);
    return;
  }
  if (opts.dryRun) {
    if (opts.json) printJson({ ...summary, files: items.map((i) => ({ path: i.path, text: i.text })) });
    else process.stdout.write(`${items.map((i) => `--- ${i.path}\n${i.text}`).join('\n')}\n--- commit message (branch ${branch}, not written)\n${message}`);
    return;
  }

  const written = await writeProposalCommit(target, items.map((i) => ({ path: i.path, text: i.text })), message, author, now);
  // The commit must validate before anything points at it; its objects alone are harmless (git gc drops them).
  const check = await loadRepository(repo, written.commit);
  const mine = new Set(items.map((i) => i.path));
  const errors = check.problems.filter((p) => p.severity === 'error' && mine.has(p.file));
  if (errors.length) {
    for (const p of errors) process.stderr.write(`${formatProblem(p, c)}\n`);
    throw new ProposalInvalid(errors.length, { problems: errors });
  }
  written.sync();
  await moveBranch(target, written.commit);
  summary.commit = written.commit;
  if (opts.json) printJson(summary);
  else {
    const o = colours();
    process.stdout.write(`${o.green(`proposed ${plural(items.length, 'remediation')}`)} on branch ${o.bold(branch)} (commit ${written.commit.slice(0, 12)}${target.tip ? ', added to the existing branch' : `, from ${target.base.slice(0, 12)}`})\n`);
    process.stdout.write(`${o.dim('the working tree is unchanged; push the branch and open a pull request with this message:')}\n\n${message}`);
  }
}


function parseAuthor(raw: string): { name: string; email: string } {
  const m = /^([^<>\n]+?)\s*<([^<>\s]+)>$/.exec(raw.trim());
  if (!m) throw new UsageError(`--author must look like 'Name <email>', not '${raw}'`);
  return { name: m[1]!, email: m[2]! };
}
