import type { Plan } from '../types.js';
import { describeAction, originLabel } from './describe.js';
import { summaryLine } from './human.js';

/** Marks the pull-request comment so the workflow updates it instead of adding another. */
export const COMMENT_MARKER = '<!-- plumbline-plan -->';

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');

/** The pull-request comment: the summary first, then one collapsible section per host with changes. */
export function renderMarkdown(plan: Plan): string {
  const out: string[] = [COMMENT_MARKER, `### Plumbline plan`, ''];
  out.push(`**${summaryLine(plan.summary)}**`, '');
  out.push(`Desired state \`${plan.commit ? plan.commit.slice(0, 12) : 'working tree'}\` · facts \`${plan.factsDigest.slice(0, 12)}\` · ${plan.createdAt}`, '');
  const changing = plan.hosts.filter((h) => h.actions.length || h.awaiting.length || h.suppressed.length || h.unresolvable.length || h.error);
  if (!changing.length) {
    out.push('No host would change. ✅');
    return `${out.join('\n')}\n`;
  }
  out.push('| ring | host | system | actions | awaiting approval | suppressed |', '| --- | --- | --- | ---: | ---: | ---: |');
  for (const h of changing) {
    out.push(`| ${h.ring} | ${h.error ? `⚠️ ${h.host}` : h.host} | ${h.system} | ${h.actions.length} | ${h.awaiting.length} | ${h.suppressed.length} |`);
  }
  out.push('');
  for (const h of changing) {
    out.push(`<details><summary><b>${h.host}</b> (${h.ring}, ${h.system}): ${h.error ? 'unreachable' : `${h.actions.length} action(s)`}</summary>`, '');
    if (h.error) out.push(`> ${esc(h.error.code)}: ${esc(h.error.message)}`, '');
    if (h.actions.length) {
      out.push('| | change | why | required by |', '| --- | --- | --- | --- |');
      for (const a of h.actions) {
        const { sign, text } = describeAction(a);
        out.push(`| \`${sign}\` | ${esc(text)}${a.regression ? ` **(regression: verified fixed by run ${a.regression.run})**` : ''} | ${esc(a.reason)} | ${esc(originLabel(a))} <br>\`${esc(a.source)}\` |`);
      }
      out.push('');
    }
    for (const w of h.awaiting) out.push(`- ⏸ **awaiting approval** ${esc(w.remediation)}: ${esc(w.message)} (${esc(w.reason)})`);
    for (const s of h.suppressed) out.push(`- ⊘ suppressed \`${esc(s.finding)}\` by ${esc(s.exception)} (${s.kind}, expires ${s.expires})`);
    for (const u of h.unresolvable) out.push(`- ❓ cannot fix: ${esc(u.message)} (${esc(u.why)})`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}
