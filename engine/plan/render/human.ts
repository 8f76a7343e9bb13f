import { colours } from '../../cli/output.js';
import type { Plan, PlanSummary } from '../types.js';
import { controlsLabel, describeAction, originLabel } from './describe.js';

/** The terraform-like view: grouped by ring and host, one line per action with its reason, ending with one summary line. */
export function renderHuman(plan: Plan, c = colours()): string {
  const lines: string[] = [];
  const commit = plan.commit ? plan.commit.slice(0, 12) : 'the working tree';
  lines.push(c.bold(`Plumbline plan for ${commit}`) + c.dim(` (facts ${plan.factsDigest.slice(0, 12)}, ${plan.createdAt})`), '');
  const rings = [...new Set(plan.hosts.map((h) => h.ring))];
  for (const ring of rings) {
    lines.push(c.bold(`Ring ${ring}`));
    for (const h of plan.hosts.filter((x) => x.ring === ring)) {
      if (h.error) {
        lines.push(`  ${c.red('✗')} ${h.host} (${h.system}, ${h.address}): ${c.red(`${h.error.code}: ${h.error.message}`)}`);
        continue;
      }
      if (h.quarantined) lines.push(`  ${c.red('⛔')} ${h.host} (${h.system}, ${h.address}): ${c.red(`QUARANTINED since ${h.quarantined.since}${h.quarantined.ticket ? ` (${h.quarantined.ticket})` : ''}: ${h.quarantined.reason}`)} ${c.dim(`— nothing is changed on it but its rebuild: plumb rebuild ${h.host}`)}`);
      const changes = h.actions.length + h.awaiting.length + h.suppressed.length + h.unresolvable.length;
      if (!changes) {
        lines.push(`  ${c.green('=')} ${h.host} (${h.system}, ${h.address}): no changes${h.unknown.length ? c.yellow(` — ${h.unknown.length} requirement(s) could not be checked`) : ''}`);
        continue;
      }
      lines.push(`  ${c.yellow('~')} ${h.host} (${h.system}, ${h.address})`);
      for (const a of h.actions) {
        const { sign, text } = describeAction(a);
        const colour = sign === '-' ? c.red : sign === '+' || sign === '↑' ? c.green : sign === '!' ? c.yellow : c.cyan;
        lines.push(`      ${colour(sign)} ${text}${a.regression ? c.red(` — REGRESSION: verified fixed by run ${a.regression.run} on ${a.regression.verifiedAt}`) : ''}`);
        lines.push(c.dim(`          ${a.reason}${controlsLabel(a.controls)} — ${originLabel(a)} · ${a.source}`));
      }
      for (const w of h.awaiting) lines.push(`      ${c.yellow('⏸')} awaiting approval: ${w.remediation}: ${w.message} ${c.dim(`(${w.reason})`)}`);
      for (const s of h.suppressed) lines.push(`      ${c.dim(`⊘ suppressed: ${s.finding} by ${s.exception} (${s.kind}, expires ${s.expires})`)}`);
      for (const u of h.unresolvable) lines.push(`      ${c.red('?')} cannot fix: ${u.message}${controlsLabel(u.controls)} ${c.dim(`(${u.why}; ${u.source})`)}`);
      for (const u of h.unknown) lines.push(`      ${c.dim(`? unknown: ${u.subject}: ${u.reason}`)}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(plan.summary));
  return `${lines.join('\n')}\n`;
}

/** `Plan: 12 hosts, 7 upgrades, 2 removals, 4 configuration changes; 3 awaiting approval` */
export function summaryLine(s: PlanSummary): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const parts = [n(s.hosts, 'host'), n(s.upgrades, 'upgrade')];
  if (s.installs) parts.push(n(s.installs, 'install'));
  parts.push(n(s.removals, 'removal'), ...(s.repairs ? [n(s.repairs, 'package repair')] : []), n(s.configuration, 'configuration change'));
  if (s.reboots) parts.push(n(s.reboots, 'pending reboot'));
  const tail = [`${s.awaitingApproval} awaiting approval`];
  if (s.suppressed) tail.push(`${s.suppressed} suppressed by exceptions`);
  if (s.unresolvable) tail.push(`${s.unresolvable} cannot be fixed automatically`);
  if (s.regressions) tail.push(`${s.regressions} regression${s.regressions === 1 ? '' : 's'}`);
  if (s.unreachable) tail.push(n(s.unreachable, 'host', 'hosts') + ' unreachable');
  return `Plan: ${parts.join(', ')}; ${tail.join(', ')}`;
}
