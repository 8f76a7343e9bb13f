import * as path from 'node:path';
import type { Command } from 'commander';
import { importAnsible, type ImportResult } from '../../import/ansible/import.js';
import { colours, plural, printJson } from '../output.js';
import { globals } from '../program.js';

export async function importAnsibleAction(source: string, opts: { mapping: string; out?: string; prune?: boolean; dryRun?: boolean; json?: boolean }, cmd: Command): Promise<void> {
  const { repo } = globals(cmd);
  // ImportRefused carries its located problems; the one catch (program.ts) prints them all.
  const result: ImportResult = await importAnsible({ repo, source: path.resolve(source), mapping: opts.mapping, out: opts.out, prune: opts.prune, dryRun: opts.dryRun });
  const pending = result.changes.some((c) => c.change !== 'kept');
  if (opts.json) printJson(result);
  else process.stdout.write(render(result, Boolean(opts.dryRun) && pending));
  process.exitCode = opts.dryRun && pending ? 2 : 0;
}

function render(r: ImportResult, wouldWrite: boolean): string {
  const c = colours();
  const out: string[] = [];
  const verb = { added: c.green('+ added'), updated: c.yellow('~ updated'), removed: c.red('- removed'), kept: c.dim('= kept') };
  for (const ch of r.changes) out.push(`${verb[ch.change]} ${ch.host}${ch.fields ? ` (${ch.fields.join(', ')})` : ''}${ch.note ? c.dim(` — ${ch.note}`) : ''}`);
  if (r.unmappable.length) {
    out.push('', c.bold('Not imported:'));
    for (const u of r.unmappable) out.push(`  ${u.at.file}:${u.at.line}:${u.at.col}: ${u.kind} ${u.name}${u.hosts ? ` (${plural(u.hosts, 'host')})` : ''}: ${u.reason}`);
  }
  const count = (k: string) => r.changes.filter((x) => x.change === k).length;
  const summary = `${plural(count('added'), 'host')} added, ${count('updated')} updated, ${count('removed')} removed, ${count('kept')} kept; ${plural(r.unmappable.length, 'item')} not imported`;
  out.push('', `${r.written ? `Wrote ${r.output}` : wouldWrite ? `Would write ${r.output}` : `${r.output} is up to date`}: ${summary}.`);
  return `${out.join('\n')}\n`;
}
