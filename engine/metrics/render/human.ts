import type { MetricsReport, ScopeMetrics } from '../types.js';
import { figure, incidentLine, manualLine, perHost, scopeLine, target, verdict } from './format.js';

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
}
const plain: Paint = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s };

function table(rows: string[][], paint: Paint, colour?: (row: string[], cell: string, i: number) => string): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map((r, n) => {
      const line = r.map((c, i) => (colour && n ? colour(r, c, i) : c) + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
      return n === 0 ? paint.dim(line) : line;
    })
    .join('\n');
}

function scope(s: ScopeMetrics, paint: Paint): string {
  const rows = [['metric', 'ML', 'figure', 'per host', 'target', '']];
  for (const m of s.metrics) rows.push([m.title, String(m.maturity), figure(m), perHost(m), target(m), verdict(m)]);
  let out = `${paint.bold(scopeLine(s))}\n${table(rows, paint, (_, c, i) => (i === 5 ? (c === 'met' ? paint.green(c) : c === 'NOT met' ? paint.red(c) : c) : c))}\n`;
  const incidents = incidentLine(s);
  if (incidents) out += `  ${s.incidents.quarantined.length ? paint.red(incidents) : incidents}\n`;
  const manual = manualLine(s);
  if (manual) {
    out += `  ${s.manual.tally.overdue ? paint.red(manual) : manual}\n`;
    for (const m of s.manual.items) out += `    ${m.host}  ${m.remediation}  owner ${m.owner}, due ${m.deadline}${m.overdue ? ' OVERDUE' : ''}  ${m.state === 'attested' ? 'attested, check not passing' : 'not attested'}\n`;
  }
  if (s.excluded.length) {
    out += `  ${paint.dim(`left out of the figures (${s.excluded.length}):`)}\n`;
    for (const e of s.excluded) out += `    ${e.host}  ${e.subject}  ${e.kind}${e.by ? ` ${e.by}` : ''}${e.expires ? ` until ${e.expires}` : ''}\n`;
  }
  return out;
}

/** The default view: one table per system, then the organization and its costs. */
export function renderHuman(report: MetricsReport, paint: Paint = plain): string {
  const where = report.commit ? `commit ${report.commit.slice(0, 12)}` : 'working tree';
  let out = `SP 800-40 metrics, ${report.period.from.slice(0, 10)} → ${report.period.to.slice(0, 10)} (${where})\n\n`;
  for (const s of report.systems) out += `${scope(s, paint)}\n`;
  if (report.organization) out += `${scope(report.organization, paint)}\n`;
  if (report.costs) {
    const rows = [['cost (per organization)', 'ML', 'amount', 'target', '']];
    for (const m of report.costs) rows.push([m.title, String(m.maturity), figure(m), target(m), verdict(m)]);
    out += `${table(rows, paint)}\n`;
  } else if (!report.scope.system) out += paint.dim('no program costs: add a `program:` section to the inventory (engine/metrics/README.md)\n');
  return out;
}
