import type { Facts } from '../../facts/types.js';
import { colours, plural } from '../output.js';

/** The facts of one host for people: what matters at a glance, then what could not be found out. */
export function renderFacts(f: Facts, c = colours()): string {
  const out: string[] = [];
  const line = (label: string, value: string) => out.push(`  ${c.dim(label.padEnd(15))} ${value}`);
  const unknownText = (fact: string) => {
    const u = f.unknown.find((x) => x.fact === fact);
    return c.yellow(`unknown${u ? ` (${u.reason})` : ''}`);
  };
  out.push(`${c.bold(f.host)}  ${c.dim(`gathered ${f.gatheredAt}`)}`);
  line('os', f.os ? `${f.os.prettyName ?? `${f.os.id} ${f.os.versionId}`} (${f.os.id} ${f.os.versionId})` : unknownText('os'));
  line('kernel', f.kernel ?? unknownText('kernel'));
  line('architecture', f.arch ?? c.yellow('unknown'));
  if (f.packages) {
    const all = Object.values(f.packages);
    const installed = all.filter((p) => p.status === 'installed').length;
    const other = all.length - installed;
    line('packages', `${installed} installed${other ? `, ${other} in other states (config-files, half-installed …)` : ''}`);
  } else line('packages', unknownText('packages'));
  line('held', f.held === null ? c.yellow('unknown') : f.held.length ? f.held.join(', ') : 'none');
  const services = Object.entries(f.services);
  if (services.length) line('services', services.map(([n, s]) => `${n} ${s.state}${s.active !== 'unknown' ? `/${s.active}` : ''}`).join(', '));
  const files = Object.entries(f.files);
  if (files.length) {
    line('files', '');
    for (const [p, m] of files) out.push(`    ${p}  ${m.exists ? [m.type, m.mode, m.owner && `${m.owner}:${m.group}`, m.sha256 && `sha256:${m.sha256.slice(0, 12)}`].filter(Boolean).join(' ') : c.dim('absent')}`);
  }
  for (const [file, kv] of Object.entries(f.settings)) {
    line('settings', file);
    for (const [k, v] of Object.entries(kv)) out.push(`    ${k} ${v === null ? c.dim('(not set)') : v}`);
  }
  const sysctl = Object.entries(f.sysctl);
  if (sysctl.length) line('sysctl', sysctl.map(([k, v]) => `${k}=${v ?? '?'}`).join(', '));
  if (f.listening) {
    line('listening', f.listening.length ? '' : 'nothing');
    for (const s of f.listening) out.push(`    ${s.proto} ${s.address.includes(':') ? `[${s.address}]` : s.address}:${s.port}${s.process ? ` ${c.dim(s.process)}` : ''}`);
  } else line('listening', unknownText('listening'));
  line('reboot', f.rebootRequired === null ? c.yellow('unknown') : f.rebootRequired ? c.yellow(`required${f.rebootPackages.length ? ` by ${f.rebootPackages.join(', ')}` : ''}`) : 'not required');
  line('uptime', f.uptimeSeconds === null ? c.yellow('unknown') : formatUptime(f.uptimeSeconds));
  if (f.unknown.length) {
    out.push(`  ${c.yellow(`${plural(f.unknown.length, 'fact')} could not be gathered:`)}`);
    for (const u of f.unknown) out.push(`    ${u.fact}: ${u.reason}`);
  }
  return out.join('\n');
}

export function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : `${m}m`;
}
