import type { ImportReport } from '../../advisories/import.js';
import type { StoredAdvisory } from '../../advisories/types.js';
import type { Problem } from '../../model/problem.js';
import { colours, formatProblem, plural } from '../output.js';

/** Human views of the advisories commands; `--json` prints the values themselves. */

const NEW_SHOWN = 25;
const SAME_KIND_SHOWN = 5;

export function renderImport(r: ImportReport, c = colours()): string {
  const out: string[] = [];
  for (const i of r.inputs) {
    const what = i.fetch === 'not-modified' ? 'not modified since the last fetch (HTTP 304): nothing to do' : i.format ? `${i.format}, ${plural(i.records, 'record')}, ${plural(i.advisories, 'advisory', 'advisories')}` : 'not imported';
    out.push(c.dim(`${i.location}: ${what}`));
  }
  for (const n of r.new.slice(0, NEW_SHOWN)) out.push(`${c.green('new')}      ${n.id} ${c.dim(`(${n.source}, ${n.severity})`)}${n.title ? ` ${n.title}` : ''}`);
  if (r.new.length > NEW_SHOWN) out.push(c.dim(`         … and ${r.new.length - NEW_SHOWN} more new (--json lists them all)`));
  for (const u of r.updated) out.push(`${c.yellow('updated')}  ${u.id} ${c.dim(`(${u.source}, modified ${u.from} → ${u.to})`)}: ${u.changes.join('; ')}`);
  for (const o of r.older) out.push(`${c.dim('older')}    ${o.id} ${c.dim(`(${o.source})`)}: ignored, the store has a newer revision (modified ${o.stored}; this one ${o.incoming})`);
  out.push(...renderProblems(r.problems, c));
  const counts = [`${r.new.length} new`, `${r.updated.length} updated`, `${r.unchanged} unchanged`, `${r.older.length} older`, plural(r.errors, 'error'), plural(r.warnings, 'warning')].join(', ');
  const verdict = r.errors ? c.red('imported with errors') : c.green('imported');
  out.push(`${verdict}: ${counts} (${plural(r.inputs.length, 'input')})`);
  return out.join('\n');
}

/** Every error; warnings of one kind beyond a handful are summarised, since a mixed OSV dump warns per record. */
export function renderProblems(problems: readonly Problem[], c = colours()): string[] {
  const out: string[] = [];
  const shown = new Map<string, number>();
  for (const p of problems) {
    if (p.severity === 'warning') {
      const n = (shown.get(p.code) ?? 0) + 1;
      shown.set(p.code, n);
      if (n > SAME_KIND_SHOWN) continue;
    }
    out.push(formatProblem(p, c));
  }
  for (const [code, n] of shown) if (n > SAME_KIND_SHOWN) out.push(c.dim(`… and ${n - SAME_KIND_SHOWN} more warnings '${code}' (--json lists them all)`));
  return out;
}

const packagesOf = (a: StoredAdvisory) => [...new Set(a.affected.map((x) => x.package))];

export function renderList(list: readonly StoredAdvisory[], c = colours()): string {
  if (!list.length) return c.dim('no advisories');
  const rows = list.map((a) => {
    const pkgs = packagesOf(a);
    return [a.id, a.source, a.severity, a.modified.slice(0, 10), `${pkgs.slice(0, 3).join(' ')}${pkgs.length > 3 ? ` +${pkgs.length - 3}` : ''}`, a.title ?? a.aliases.slice(0, 3).join(' ')];
  });
  const head = ['ID', 'SOURCE', 'SEVERITY', 'MODIFIED', 'PACKAGES', 'TITLE'];
  const widths = head.slice(0, 5).map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => `${r.slice(0, 5).map((x, i) => x.padEnd(widths[i]!)).join('  ')}  ${r[5]}`.trimEnd();
  return [c.bold(line(head)), ...rows.map(line), c.dim(plural(list.length, 'advisory', 'advisories'))].join('\n');
}

export function renderAdvisory(a: StoredAdvisory, file: string, c = colours()): string {
  const out: string[] = [];
  out.push(`${c.bold(a.id)} ${c.dim(`(${a.source})`)}${a.title ? `  ${a.title}` : ''}`);
  if (a.withdrawn) out.push(c.red(`withdrawn ${a.withdrawn}`));
  if (a.aliases.length) out.push(`aliases:   ${a.aliases.join(', ')}`);
  out.push(`severity:  ${a.severity}${a.cvss?.length ? `  ${a.cvss.map((x) => `CVSS ${x.version} ${x.score ?? '?'}${x.computed ? ' (computed)' : ''} ${x.vector}`).join('; ')}` : ''}`);
  out.push(`published: ${a.published ?? 'unknown'}   modified: ${a.modified}${a.modifiedFrom === 'import' ? ' (feed has no dates: when plumb saw this content)' : ''}`);
  out.push(`knew:      ${a.knew} (first imported)`);
  out.push(`stored:    ${file}   from ${a.origin.location}${a.origin.pointer ? ` at ${a.origin.pointer}` : ''}`);
  if (a.affected.length) {
    out.push('affected:');
    for (const x of a.affected) {
      const eco = `${x.ecosystem.os} ${x.ecosystem.release}${x.ecosystem.variant ? ` (${x.ecosystem.variant})` : ''}`;
      const fix = x.status === 'not-affected' || x.status === 'under-investigation' ? x.status : x.fixed ? `fixed in ${x.fixed}` : 'no fix yet';
      const range = x.ranges?.some((r) => r.introduced || r.lastAffected) ? `  ranges ${x.ranges.map((r) => `[${r.introduced ?? '0'}, ${r.fixed ? `${r.fixed})` : r.lastAffected ? `${r.lastAffected}]` : '∞)'}`).join(' ')}` : '';
      out.push(`  ${eco.padEnd(22)} ${`${x.package}${x.packageKind === 'source' ? ' (source)' : ''}`.padEnd(30)} ${fix}${range}${x.ids ? c.dim(`  ${x.ids.join(', ')}`) : ''}${x.note ? c.dim(`  ${x.note}`) : ''}`);
      if (x.binaries?.length) out.push(c.dim(`  ${''.padEnd(22)} binaries: ${x.binaries.join(' ')}`));
    }
  } else out.push(c.dim('affected:  no distribution packages (nothing to match against hosts)'));
  if (a.summary) out.push('', a.summary);
  if (a.references.length) out.push('', ...a.references.map((r) => c.dim(r)));
  return out.join('\n');
}
