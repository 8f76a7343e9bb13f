import { colours, plural } from '../output.js';
import type { SupportedView, SystemView, UnsupportedView } from './views.js';

/** Human views of the inventory commands; `--json` prints the values themselves. */

type C = ReturnType<typeof colours>;

export function renderList(systems: readonly SystemView[], c: C = colours()): string {
  const out: string[] = [];
  for (const s of systems) {
    out.push(`${c.bold(s.name)}  ${c.dim(`FIPS 199 impact ${s.impact}; owner ${s.owner}${s.securityOfficer ? `; security officer ${s.securityOfficer}` : ''}${s.administrators.length ? `; administrators ${s.administrators.join(', ')}` : ''}`)}`);
    if (s.description) out.push(c.dim(`  ${s.description.trim()}`));
    if (!s.hosts.length) out.push(c.dim('  no hosts'));
    for (const h of s.hosts) {
      const where = [h.location, h.propertyNumber && `property ${h.propertyNumber}`, h.owner && `owner ${h.owner}`].filter(Boolean).join('; ');
      out.push(`  ${c.bold(h.host)}  ${h.address}  ring ${h.ring}, baseline ${h.baseline}${h.criticality ? `, criticality ${h.criticality}` : ''}${h.tags.length ? `, tags ${h.tags.join(' ')}` : ''}`);
      if (where) out.push(`    ${where}`);
      if (h.quarantined) out.push(`    ${c.red(`QUARANTINED since ${h.quarantined.since}${h.quarantined.ticket ? ` (${h.quarantined.ticket})` : ''}: ${h.quarantined.reason} — only a rebuild changes it (plumb rebuild ${h.host})`)}`);
      if (h.error) out.push(`    ${c.red(`not examined: ${h.error.message}`)}`);
      if (h.facts) {
        const f = h.facts;
        out.push(`    ${f.os ?? 'OS unknown'}, kernel ${f.kernel ?? '?'} ${f.arch ?? ''}`.trimEnd() + `, ${f.packages === null ? 'packages unknown' : plural(f.packages, 'package')}${f.rebootRequired ? c.yellow(', reboot pending') : ''}`);
        out.push(`    services: ${f.enabledServices.length ? f.enabledServices.join(' ') : c.dim('none enabled of those the desired state names')}`);
        out.push(`    listening: ${f.listening === null ? c.dim('unknown') : f.listening.length ? f.listening.join(', ') : c.dim('nothing')}`);
      }
    }
    out.push('');
  }
  const hosts = systems.reduce((n, s) => n + s.hosts.length, 0);
  out.push(c.dim(`${plural(systems.length, 'system')}, ${plural(hosts, 'host')}`));
  return `${out.join('\n')}\n`;
}

export function renderSupported(v: SupportedView, c: C = colours()): string {
  const out: string[] = [c.bold('Operating systems covered by standard configurations (baselines):')];
  if (!v.platforms.length) out.push(c.dim('  none: no baseline names a platform'));
  for (const p of v.platforms) out.push(`  ${p.os} ${p.versions}`.padEnd(30) + c.dim(`baselines ${p.baselines.join(', ')}`));
  out.push('', c.bold('Releases the advisory store covers:'));
  if (!v.advisoryReleases.length) out.push(c.dim('  none: import advisories with `plumb advisories import`'));
  for (const r of v.advisoryReleases) out.push(`  ${r.os} ${r.release}`.padEnd(30) + c.dim(plural(r.packages, 'package')));
  out.push('', c.bold('Software the baselines name:'));
  for (const p of v.baselinePackages) {
    const how = [p.required.length ? `required by ${p.required.join(', ')}${p.versions.length ? ` (${p.versions.join(', ')})` : ''}` : '', p.forbidden.length ? `forbidden by ${p.forbidden.join(', ')}` : ''].filter(Boolean).join('; ');
    out.push(`  ${p.name.padEnd(28)} ${c.dim(how)}`);
  }
  out.push('', c.bold('Software the advisories cover:'));
  const per = new Map<string, string[]>();
  for (const p of v.advisoryPackages) per.set(`${p.os} ${p.release}`, [...(per.get(`${p.os} ${p.release}`) ?? []), p.package]);
  if (!per.size) out.push(c.dim('  none'));
  for (const [rel, names] of per) out.push(`  ${rel.padEnd(28)} ${names.slice(0, 12).join(' ')}${names.length > 12 ? c.dim(` … ${names.length} in all (--json lists them)`) : ''}`);
  return `${out.join('\n')}\n`;
}

export function renderUnsupported(v: UnsupportedView, c: C = colours()): string {
  const out: string[] = [];
  if (v.hosts.length) {
    out.push(c.bold('Hosts on an OS release no baseline or advisory covers:'));
    for (const h of v.hosts) out.push(`  ${h.host.padEnd(24)} ${h.os ?? 'OS unknown'}  ${c.dim(`system ${h.system}`)}`);
    out.push('');
  }
  if (v.packages.length) {
    const few = (xs: string[], n: number) => `${xs.slice(0, n).join(' ')}${xs.length > n ? ` +${xs.length - n}` : ''}`;
    const rows = v.packages.map((p) => [p.source, String(p.hosts), few(p.binaries, 3), few(p.versions, 2), p.systems.join(' ')]);
    const head = ['SOURCE', 'HOSTS', 'BINARIES', 'VERSIONS', 'SYSTEMS'];
    const widths = head.slice(0, 4).map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
    const line = (r: string[]) => `${r.slice(0, 4).map((x, i) => x.padEnd(widths[i]!)).join('  ')}  ${r[4]}`.trimEnd();
    out.push(c.bold(line(head)), ...rows.map(line));
  }
  const verdict = v.packages.length || v.hosts.length ? c.yellow('not covered') : c.green('everything covered');
  out.push(`${verdict}: ${v.packages.length} of ${plural(v.installedSources, 'installed source package')} on ${plural(v.examined, 'examined host')} named by no baseline and covered by no stored advisory${v.hosts.length ? `; ${plural(v.hosts.length, 'host')} on an uncovered OS release` : ''}`);
  return `${out.join('\n')}\n`;
}
