import { visible } from '../../cli/output.js';
import type { Plan } from '../types.js';
import { controlsLabel, describeAction, originLabel } from './describe.js';
import { summaryLine } from './human.js';

/** Marks the pull-request comment so the workflow updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- plumbline-plan -->';

/**
 * Text that came from hosts, advisories or YAML, as one inline code span: GitHub renders no link, image, @mention,
 * emoji, HTML or heading inside one, so a host's version string cannot ping a team or hide a link in the comment.
 * The fence is one backtick longer than any run inside; line breaks become spaces (a span is one line); `|` is
 * escaped in table cells, where GitHub splits on it even inside a span. Control characters are made visible.
 */
export function code(text: string, opts: { cell?: boolean } = {}): string {
  let t = visible(text).replace(/[\r\n]+/g, ' ');
  if (opts.cell) t = t.replace(/\|/g, '\\|');
  if (!t.trim()) return '—';
  const fence = '`'.repeat(Math.max(0, ...[...t.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

const html = (s: string) => visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/@/g, '&#64;');

/** The pull-request comment: the summary first, then one collapsible section per host with changes. */
export function renderMarkdown(plan: Plan): string {
  const out: string[] = [COMMENT_MARKER, `### Plumbline plan`, ''];
  out.push(`**${summaryLine(plan.summary)}**`, '');
  out.push(`Desired state ${code(plan.commit ? plan.commit.slice(0, 12) : 'working tree')} · facts ${code(plan.factsDigest.slice(0, 12))} · ${code(plan.createdAt)}`, '');
  const changing = plan.hosts.filter((h) => h.actions.length || h.awaiting.length || h.suppressed.length || h.unresolvable.length || h.error || h.quarantined);
  if (!changing.length) {
    out.push('No host would change. ✅');
    return `${out.join('\n')}\n`;
  }
  const cell = (s: string) => code(s, { cell: true });
  out.push('| ring | host | system | actions | awaiting approval | suppressed |', '| --- | --- | --- | ---: | ---: | ---: |');
  for (const h of changing) {
    out.push(`| ${cell(h.ring)} | ${h.error ? '⚠️ ' : ''}${cell(h.host)} | ${cell(h.system)} | ${h.actions.length} | ${h.awaiting.length} | ${h.suppressed.length} |`);
  }
  out.push('');
  for (const h of changing) {
    out.push(`<details><summary><code>${html(h.host)}</code> (<code>${html(h.ring)}</code>, <code>${html(h.system)}</code>): ${h.error ? 'unreachable' : `${h.actions.length} action(s)`}</summary>`, '');
    if (h.error) out.push(`> ${code(h.error.code)}: ${code(h.error.message)}`, '');
    if (h.actions.length) {
      out.push('| | change | why | required by |', '| --- | --- | --- | --- |');
      for (const a of h.actions) {
        const { sign, text } = describeAction(a);
        out.push(`| ${cell(sign)} | ${cell(text)}${a.regression ? ` **(regression: verified fixed by run ${cell(a.regression.run)})**` : ''} | ${cell(a.reason + controlsLabel(a.controls))} | ${cell(originLabel(a))} <br>${cell(a.source)} |`);
      }
      out.push('');
    }
    if (h.quarantined) out.push(`- ⛔ **quarantined** since ${code(h.quarantined.since)}${h.quarantined.ticket ? ` (${code(h.quarantined.ticket)})` : ''}: ${code(h.quarantined.reason)}; nothing is changed on it but its rebuild`);
    for (const w of h.awaiting) out.push(`- ⏸ **awaiting approval** ${code(w.remediation)}: ${code(w.message)} (${code(w.reason)})`);
    for (const s of h.suppressed) out.push(`- ⊘ suppressed ${code(s.finding)} by ${code(s.exception)} (${code(s.kind)}, expires ${code(s.expires)})`);
    for (const u of h.unresolvable) out.push(`- ❓ cannot fix: ${code(u.message)} (${code(u.why)})`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}
