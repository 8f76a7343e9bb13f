import type { VulnerabilityEntry } from '../../advisories/assess.js';
import type { Model } from '../../model/types.js';
import { colours, plural } from '../output.js';
import type { ManualItem } from '../../manual/status.js';
import type { Tally, VulnsReport, WorkListEntry } from './report.js';

/** The human view of a VulnsReport: per system, per host, one line per vulnerability, a summary line per system. */
export function renderVulns(r: VulnsReport, model: Pick<Model, 'systems'> & Partial<Pick<Model, 'hosts'>>, opts: { all?: boolean } = {}, c = colours()): string {
  const out: string[] = [];
  const bySystem = new Map<string, VulnsReport['hosts']>();
  for (const h of r.hosts) bySystem.set(h.system, [...(bySystem.get(h.system) ?? []), h]);
  for (const s of r.systems) {
    const sys = model.systems.get(s.system);
    out.push(c.bold(`${s.system}`) + c.dim(sys ? ` (${sys.impact} impact, owner ${sys.owner})` : ''));
    for (const h of bySystem.get(s.system) ?? []) {
      if (h.error) {
        out.push(`  ${c.red(h.host)}  ${c.red(`not examined: ${h.error.message}`)}`);
        continue;
      }
      const open = h.entries.filter((e) => e.open);
      const hidden = h.entries.filter((e) => !e.open);
      const head = h.unknown ? c.yellow(`nothing matched: ${h.unknown}`) : open.length ? c.red(`${open.length} open`) : c.green('no open vulnerabilities');
      const q = model.hosts?.get(h.host)?.compromised;
      if (q) out.push(`  ${c.bold(h.host)}  ${c.red(`QUARANTINED since ${q.since}${q.ticket ? ` (${q.ticket})` : ''}: ${q.reason} — only a rebuild changes it`)}`);
      out.push(`  ${c.bold(h.host)}  ${c.dim(`${h.os ?? 'unknown OS'}, ring ${h.ring}`)}  ${head}${hidden.length && !opts.all ? c.dim(`  (${hidden.length} excepted or not affected: --all shows them)`) : ''}`);
      for (const e of opts.all ? h.entries : open) out.push(`    ${entryLine(e, c)}`);
      for (const u of h.unorderable) out.push(c.yellow(`    ${u.package} ${u.version}: the version cannot be ordered, so it was not matched`));
      for (const m of h.manual ?? []) if (opts.all || m.state !== 'done') out.push(`    ${manualLine(m, c)}`);
    }
    out.push(c.dim(`  ${s.system}: ${tallyLine(s)}`));
    out.push('');
  }
  if (r.worklist) out.push(renderWorkList(r.worklist, c), '');
  if (r.manualWork?.length) out.push(c.bold('Manual work (SP 800-40 4.1.5), overdue first:'), ...r.manualWork.map((m) => `  ${m.host}  ${manualLine(m, c)}`), '');
  if (r.mirrors === null) out.push(c.dim('mirror: not consulted (--no-mirror)'));
  else if (!r.mirrors.length) out.push(c.dim('mirror: none in policy.mirrors, so whether fixes are available is unknown'));
  else for (const m of r.mirrors) out.push(c.dim(`mirror: ${m.url} (${m.platform}) ${m.suites.map((s) => `${s.suite}: ${s.packages} packages${s.date ? `, ${s.date}` : ''}`).join('; ')}, signature verified`));
  const t = r.summary;
  const verdict = t.unreachable ? c.red('incomplete') : t.open ? c.red('vulnerable') : c.green('no open vulnerabilities');
  out.push(`${verdict}: ${tallyLine(t)} (${plural(r.advisories, 'advisory', 'advisories')} in the store)`);
  return `${out.join('\n')}\n`;
}

function tallyLine(t: Tally): string {
  const parts = [`${plural(t.open, 'open vulnerability', 'open vulnerabilities')} on ${t.vulnerableHosts} of ${plural(t.hosts, 'host')}`];
  if (t.open) {
    const sev = Object.entries(t.bySeverity).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`);
    parts[0] += ` (${sev.join(', ')})`;
    parts.push(`${t.fixOnMirror} with the fix on the mirror`, `${t.approved} approved, ${t.awaitingApproval} awaiting approval, ${t.withoutRemediation} without remediation`);
  }
  if (t.manual.total) parts.push(`manual work ${t.manual.done} of ${t.manual.total} done${t.manual.overdue ? `, ${t.manual.overdue} overdue` : ''}`);
  if (t.excepted) parts.push(`${t.excepted} excepted`);
  if (t.suppressed) parts.push(`${t.suppressed} not affected (VEX)`);
  if (t.unreachable) parts.push(`${plural(t.unreachable, 'host')} not examined`);
  return parts.join('; ');
}

function entryLine(e: VulnerabilityEntry, c: ReturnType<typeof colours>): string {
  const sev = e.severity === 'critical' || e.severity === 'high' ? c.red(e.severity.padEnd(10)) : e.severity.padEnd(10);
  const more = e.ids.length + e.advisories.length - 1;
  const name = `${e.vulnerability}${more > 0 ? c.dim(` +${more}`) : ''}`;
  const pkgs = e.packages.map((p) => `${p.name} ${p.installedVersion}${p.fixed ? ` → ${e.mirror.versions?.[p.name] ?? p.fixed}` : ''}`).join(', ');
  const mirror = e.mirror.available === true ? c.green('on mirror') : e.mirror.available === false ? c.yellow(e.fixed ? 'not on mirror' : 'no fix yet') : c.dim('mirror ?');
  const best = e.remediations[0];
  const rem = !best ? c.yellow('no remediation') : best.approved ? c.green(`${best.id} approved (${best.approval})`) : best.applies ? c.yellow(`${best.id} awaiting approval: ${best.awaiting}`) : c.yellow(`${best.id} does not select this host: ${best.why}`);
  const status = e.status === 'not-affected' ? c.dim(`  not affected (VEX ${e.suppressedBy})`) : e.status === 'under-investigation' ? c.dim('  under investigation') : '';
  const exc = e.exception ? c.dim(`  ${e.exception.kind} ${e.exception.id} until ${e.exception.expires}`) : '';
  const due = e.open && e.priority ? c.dim(`  ${e.priority.tier}, due ${e.priority.deadline.slice(0, 10)}${e.priority.overdue ? ' OVERDUE' : ''}`) : '';
  return `${sev}${name}  ${c.bold(e.sourcePackage)}: ${pkgs}  ${mirror}  ${rem}${status}${exc}${due}`;
}

/** A manual remediation on a host: who, by when, what its check says, whether it is attested. */
function manualLine(m: ManualItem, c: ReturnType<typeof colours>): string {
  const state = m.state === 'done' ? c.green('done (attested, verified)') : m.state === 'attested' ? c.yellow('attested, check not passing') : c.yellow('not attested');
  const check = m.check ? `  check ${m.check.state === 'passed' ? c.green('passed') : m.check.state === 'failed' ? c.red('failed') : c.dim('unknown')}: ${m.check.detail}` : '';
  const due = `due ${m.deadline}${m.overdue ? ` ${c.red('OVERDUE')}` : ''}`;
  return `${'manual'.padEnd(10)}${m.remediation}  ${m.title}  ${c.dim(`owner ${m.owner}, ${due}`)}  ${state}${check}`;
}

export function renderWorkList(list: readonly WorkListEntry[], c = colours()): string {
  if (!list.length) return c.dim('work list: nothing open');
  const rows = list.map((w) => [w.tier, `${w.deadline.slice(0, 10)}${w.overdue ? '!' : ''}`, String(w.score), w.host, w.vulnerability, w.sourcePackage, w.remediation ? `${w.remediation}${w.approved ? ' (approved)' : ''}` : '-', w.reasons.map((x) => `${x.detail} (+${x.points})`).join('; ')]);
  const head = ['TIER', 'DEADLINE', 'SCORE', 'HOST', 'VULNERABILITY', 'PACKAGE', 'REMEDIATION', 'WHY'];
  const widths = head.slice(0, 7).map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => `${r.slice(0, 7).map((x, i) => x.padEnd(widths[i]!)).join('  ')}  ${r[7]}`.trimEnd();
  return [c.bold(`Work list: ${plural(list.length, 'open vulnerability', 'open vulnerabilities')}, most urgent first`), c.bold(line(head)), ...rows.map(line)].join('\n');
}
