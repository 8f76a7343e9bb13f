import { formatDuration } from '../time.js';
import type { MetricsReport, ScopeMetrics } from '../types.js';
import { figure, incidentLine, manualLine, perHost, scopeLine, scopeName, target, verdict } from './format.js';

/** Markdown is read as HTML: table cells must not break the table or smuggle markup in. */
const cell = (s: string) => s.replace(/[\\|*_`[\]<>]/g, (c) => `\\${c}`).replace(/\n/g, ' ');

function scope(s: ScopeMetrics): string {
  let out = `## ${cell(scopeName(s))}\n\n${cell(scopeLine(s))}\n\n| metric | maturity | figure | per host | target | |\n| --- | --: | --- | --- | --- | --- |\n`;
  for (const m of s.metrics) out += `| ${cell(m.title)} | ${m.maturity} | ${cell(figure(m))} | ${cell(perHost(m))} | ${cell(target(m))} | ${verdict(m)} |\n`;
  const phases = s.metrics.filter((m) => m.kind === 'time' && m.phases);
  if (phases.length) {
    out += `\n| phases (median) | analysis | testing | approval | deployment |\n| --- | --- | --- | --- | --- |\n`;
    for (const m of phases) if (m.kind === 'time' && m.phases) out += `| ${cell(m.title)} | ${formatDuration(m.phases.analysis)} | ${formatDuration(m.phases.testing)} | ${formatDuration(m.phases.approval)} | ${formatDuration(m.phases.deployment)} |\n`;
  }
  const incidents = incidentLine(s);
  if (incidents) out += `\n**${cell(incidents)}**\n`;
  const manual = manualLine(s);
  if (manual) {
    out += `\n**${cell(manual)}**\n`;
    if (s.manual.items.length) {
      out += `\n| host | manual remediation | owner | due | state |\n| --- | --- | --- | --- | --- |\n`;
      for (const m of s.manual.items) out += `| ${cell(m.host)} | ${cell(m.remediation)} | ${cell(m.owner)} | ${m.deadline}${m.overdue ? ' **overdue**' : ''} | ${m.state === 'attested' ? 'attested, check not passing' : 'not attested'} |\n`;
    }
  }
  if (s.excluded.length) {
    out += `\n**Left out of the figures** (${s.excluded.length})\n\n| host | what | kind | by | until |\n| --- | --- | --- | --- | --- |\n`;
    for (const e of s.excluded) out += `| ${cell(e.host)} | ${cell(e.subject)} | ${e.kind} | ${cell(e.by ?? '')} | ${cell(e.expires ?? '')} |\n`;
  }
  return `${out}\n`;
}

export function renderMarkdown(report: MetricsReport): string {
  let out = `# SP 800-40 metrics\n\n${report.period.from.slice(0, 10)} → ${report.period.to.slice(0, 10)}, ${report.commit ? `commit \`${report.commit.slice(0, 12)}\`` : 'working tree'}\n\n`;
  for (const s of report.systems) out += scope(s);
  if (report.organization) out += scope(report.organization);
  if (report.costs) {
    out += `## Costs (per organization)\n\n| metric | maturity | amount | exact | target | |\n| --- | --: | --- | --- | --- | --- |\n`;
    for (const m of report.costs) out += `| ${cell(m.title)} | ${m.maturity} | ${cell(figure(m))} | ${m.amount.exact} | ${cell(target(m))} | ${verdict(m)} |\n`;
  }
  return out;
}
