import { unitName, type HostEntry, type ManagedFile, type Model, type Setting } from '../model/types.js';
import type { FactsRequest } from './types.js';

/**
 * What to look at on one host: everything its resolved baseline names, plus everything any remediation's action
 * could touch, so that plan and verify never need a second round trip. Pure; sorted for stable requests.
 */
export function requestFor(model: Model, host: HostEntry): FactsRequest {
  const files = new Set<string>();
  const contents = new Set<string>();
  const services = new Set<string>();
  const sysctl = new Set<string>();
  const settings = new Map<string, { syntax: 'space' | 'equals'; keys: Set<string> }>();

  const addFile = (f: Pick<ManagedFile, 'path' | 'content' | 'template'>) => {
    files.add(f.path);
    if (f.content !== undefined || f.template !== undefined) contents.add(f.path);
  };
  const addSetting = (file: string, syntax: 'space' | 'equals', key: string) => {
    files.add(file);
    let s = settings.get(file);
    if (!s) settings.set(file, (s = { syntax, keys: new Set() }));
    s.keys.add(key);
  };

  const baseline = model.resolvedBaselines.get(host.baseline);
  if (baseline) {
    baseline.files.forEach(addFile);
    for (const s of baseline.settings) addSetting(s.file, s.syntax, s.key);
    for (const s of baseline.services) services.add(s.name);
    for (const s of baseline.sysctl) sysctl.add(s.key);
  }
  for (const r of model.remediations.values()) {
    const a = r.action;
    a.files?.forEach(addFile);
    a.settings?.forEach((s: Setting) => Object.keys(s.values).forEach((k) => addSetting(s.file, s.syntax ?? 'space', k)));
    Object.keys(a.services ?? {}).forEach((n) => services.add(unitName(n)));
    Object.keys(a.sysctl ?? {}).forEach((k) => sysctl.add(k));
  }

  const sorted = (s: Iterable<string>) => [...s].sort();
  return {
    files: sorted(files),
    contents: sorted(contents),
    services: sorted(services),
    sysctl: sorted(sysctl),
    settings: sorted(settings.keys()).map((file) => ({ file, syntax: settings.get(file)!.syntax, keys: sorted(settings.get(file)!.keys) })),
  };
}

/** A request for nothing but the host-wide facts (OS, packages, sockets …). */
export function emptyRequest(): FactsRequest {
  return { files: [], contents: [], services: [], sysctl: [], settings: [] };
}

/** procps rule: the first separator decides; with dots, a '/' inside a name stands for a literal dot. */
export function sysctlPath(key: string): string {
  const first = key.search(/[./]/);
  const rel = first >= 0 && key[first] === '/' ? key : key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
  return `/proc/sys/${rel}`;
}

/** Relative Include patterns of 'space' (sshd_config-style) files resolve here, as sshd resolves them. */
export const INCLUDE_BASE = '/etc/ssh';

/**
 * The request as the gather script reads it: one tab-separated line per item (format in README.md). Every
 * file whose content or settings are asked for gets its metadata asked for too.
 */
export function encodeRequest(r: FactsRequest): string {
  const lines: string[] = [];
  const files = [...new Set([...r.files, ...r.contents, ...r.settings.map((s) => s.file)])];
  for (const f of files) lines.push(`file\t${f}`);
  for (const f of r.contents) lines.push(`content\t${f}`);
  for (const s of r.settings) lines.push(`settings\t${s.file}\t${s.syntax}\t${INCLUDE_BASE}`);
  for (const s of r.services) lines.push(`service\t${s}`);
  for (const k of r.sysctl) lines.push(`sysctl\t${k}\t${sysctlPath(k)}`);
  for (const l of lines) if (/[\n\r\0]/.test(l)) throw new Error(`request line with a line break or NUL: ${JSON.stringify(l)}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
