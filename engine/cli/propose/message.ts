import type { ProposalGroup, Skipped } from '../../advisories/propose.js';
import { plural } from '../output.js';

/** The proposal's commit message, written to become the pull request: a title, then one paragraph per remediation. */
export function proposalMessage(items: ReadonlyArray<{ id: string; path: string; group: ProposalGroup }>, skipped: readonly Skipped[], ctx: { branch: string; advisories: number; hosts: number }): string {
  const vulns = items.reduce((n, { group }) => n + group.vulnerabilities, 0);
  const out: string[] = [`plumb propose: ${plural(items.length, 'remediation')} for ${plural(vulns, 'open vulnerability', 'open vulnerabilities')}`, ''];
  for (const { id, path, group: g } of items) {
    const ids = [...g.advisories.filter((a) => !a.startsWith('CVE-')), ...g.ids];
    const systems = [...new Set(g.hosts.map((h) => h.system))].sort();
    out.push(`${id} ${g.sourcePackage} ${g.fixed} (${g.os} ${g.release}): severity ${g.severity}${g.tier ? `, tier ${g.tier}, deadline ${g.deadline!.slice(0, 10)}` : ''}`);
    out.push(`  file:       ${path}`);
    out.push(`  advisories: ${ids.slice(0, 8).join(', ')}${ids.length > 8 ? ` and ${ids.length - 8} more` : ''}`);
    out.push(`  hosts:      ${g.hosts.slice(0, 10).map((h) => h.host).join(', ')}${g.hosts.length > 10 ? ` and ${g.hosts.length - 10} more` : ''} (${systems.join(', ')}; rings ${[...new Set(g.hosts.map((h) => h.ring))].sort().join(', ')})`);
    out.push(`  installs:   ${g.packages.map((p) => `${p.name} ${p.version}`).join(', ')} (the internal mirror's builds${g.fixOnMirror ? '' : `; none yet for ${g.missing.join(', ')}`})`);
    for (const d of g.disputed) out.push(`  disputed:   ${d.name}: ${d.hosts.join(', ')} report${d.hosts.length === 1 ? 's' : ''} it built from ${d.claimed}, the signed index says ${d.index.join(', ')}: left out`);
    out.push('');
  }
  if (skipped.length) {
    out.push('Not proposed:');
    for (const s of skipped) out.push(`  ${s.sourcePackage} (${s.release}): ${s.reason}`);
    out.push('');
  }
  out.push(`Written by plumb propose from ${plural(ctx.advisories, 'stored advisory', 'stored advisories')} matched against ${plural(ctx.hosts, 'host')}.`);
  out.push(`Every file validates (plumb validate --ref ${ctx.branch}); nothing is approved: the board`);
  out.push('approves each remediation per ring with a record under remediations/approvals/.');
  return `${out.join('\n')}\n`;
}
