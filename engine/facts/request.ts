import { unitName, type HostEntry, type Model } from '../model/types.js';
import { approvalFor } from '../plan/approvals.js';
import { sensitivityFor } from '../secrets/scope.js';
import type { FactsRequest } from './types.js';

/**
 * What to look at on one host: everything its resolved baseline names, plus everything any remediation's action
 * could touch, so that plan and verify never need a second round trip. Pure; sorted for stable requests.
 *
 * What leaves the host is the least the plan needs: metadata and sha256 for every managed path (a file managed by
 * content is compared by hash, so its content is never asked for), the text of a settings file only when every key
 * asked of it may be read — a key is read as a hash when it is a secret (engine/secrets) or when only remediations
 * the board has not approved for this host's ring ask for it. A file with one such key is read redacted: the host
 * sends the lines of the keys asked, each hashed key's value replaced by its sha256.
 */
export function requestFor(model: Model, host: HostEntry, now: Date = new Date()): FactsRequest {
  const files = new Set<string>();
  const services = new Set<string>();
  const sysctl = new Set<string>();
  const modules = new Set<string>();
  const settings = new Map<string, { syntax: 'space' | 'equals'; keys: Map<string, boolean> }>();
  const sens = sensitivityFor(model, host);

  /** `readable`: an approved source asks for the key (the baseline, approved by its merge, or an approved remediation). */
  const addSetting = (file: string, syntax: 'space' | 'equals', key: string, readable: boolean) => {
    files.add(file);
    let s = settings.get(file);
    if (!s) settings.set(file, (s = { syntax, keys: new Map() }));
    s.keys.set(key, (s.keys.get(key) ?? false) || readable);
  };

  const baseline = model.resolvedBaselines.get(host.baseline);
  if (baseline) {
    for (const f of baseline.files) files.add(f.path);
    for (const s of baseline.settings) addSetting(s.file, s.syntax, s.key, true);
    for (const s of baseline.services) services.add(s.name);
    for (const s of baseline.sysctl) sysctl.add(s.key);
    for (const m of baseline.kernelModules) modules.add(m.name);
  }
  for (const r of model.remediations.values()) {
    // A manual remediation's file check is read like a managed file: metadata and sha256, never content.
    if (r.manual?.check?.file) files.add(r.manual.check.file.path);
    const a = r.action ?? {};
    const approved = Boolean(a.settings?.length) && 'approved' in approvalFor(model, r.id, host, now);
    for (const f of a.files ?? []) files.add(f.path);
    for (const s of a.settings ?? []) for (const k of Object.keys(s.values)) addSetting(s.file, s.syntax ?? 'space', k, approved);
    Object.keys(a.services ?? {}).forEach((n) => services.add(unitName(n)));
    Object.keys(a.sysctl ?? {}).forEach((k) => sysctl.add(k));
  }

  const sorted = (s: Iterable<string>) => [...s].sort();
  const settingsList = sorted(settings.keys()).map((file) => {
    const s = settings.get(file)!;
    const keys = sorted(s.keys.keys());
    const hashed = keys.filter((k) => !s.keys.get(k) || sens.key(file, k));
    return { file, syntax: s.syntax, keys, ...(hashed.length ? { hashed } : {}) };
  });
  return {
    files: sorted(files),
    contents: settingsList.filter((s) => !s.hashed).map((s) => s.file),
    services: sorted(services),
    sysctl: sorted(sysctl),
    ...(modules.size ? { modules: sorted(modules) } : {}),
    settings: settingsList,
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
  for (const s of r.settings) {
    lines.push(`settings\t${s.file}\t${s.syntax}\t${INCLUDE_BASE}`);
    // Only the lines of these keys leave the host; one hashed key makes the host read the whole file redacted.
    for (const k of s.keys) lines.push(`key\t${s.file}\t${k}\t${s.hashed?.includes(k) ? 'hash' : 'plain'}`);
  }
  for (const s of r.services) lines.push(`service\t${s}`);
  for (const k of r.sysctl) lines.push(`sysctl\t${k}\t${sysctlPath(k)}`);
  for (const m of r.modules ?? []) lines.push(`module\t${m}`);
  for (const l of lines) if (/[\n\r\0]/.test(l)) throw new Error(`request line with a line break or NUL: ${JSON.stringify(l)}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}
