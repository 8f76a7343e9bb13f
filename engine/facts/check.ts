import { schemeForOs } from '../versioning/index.js';
import type { Facts } from './types.js';
import type { VersionScheme } from '../versioning/types.js';

// A fleet repeats the same versions on every host: each is tried once.
const verdicts = new Map<string, boolean>();
function comparable(scheme: VersionScheme, v: string): boolean {
  const key = `${scheme.id}\u0000${v}`;
  let ok = verdicts.get(key);
  if (ok === undefined) {
    try {
      scheme.compare(v, v);
      ok = true;
    } catch {
      ok = false;
    }
    if (verdicts.size > 100_000) verdicts.clear();
    verdicts.set(key, ok);
  }
  return ok;
}

/**
 * Whether facts can be used as the shapes they claim: what the parser built from a host's output (the host can send
 * anything), or what a snapshot file holds. Returns why not, naming the first bad fact, or undefined. Pure. A host
 * whose facts fail this is failed on its own (E_FACTS_INVALID) and the run goes on for the others: one version string
 * dpkg would never print must not stop the planner for the fleet.
 */
export function factsProblem(f: Facts): string | undefined {
  const isStr = (v: unknown): v is string => typeof v === 'string';
  const strOrNull = (v: unknown) => v === null || isStr(v);
  const obj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 120) ?? String(v);
  if (!isStr(f.host) || !isStr(f.gatheredAt)) return 'host or gatheredAt is not a string';
  if (f.os !== null && (!obj(f.os) || !isStr(f.os.id) || !isStr(f.os.versionId))) return `os is not an OS release: ${shown(f.os)}`;
  if (!strOrNull(f.kernel) || !strOrNull(f.arch)) return 'kernel or arch is not a string';
  if (f.platform !== null && f.platform !== 'apt' && f.platform !== 'rpm') return `platform ${shown(f.platform)} is not apt or rpm`;
  if (f.packages !== null) {
    if (!obj(f.packages)) return 'packages is not a map';
    const scheme = f.os && isStr(f.os.id) ? schemeForOs(f.os.id) : null;
    for (const [key, p] of Object.entries(f.packages)) {
      if (!obj(p)) return `package ${shown(key)} is not an object`;
      for (const k of ['name', 'version', 'arch', 'status', 'source', 'sourceVersion'] as const) if (!isStr(p[k])) return `package ${shown(key)}: ${k} is not a string`;
      if (!/^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/.test(key)) return `package name ${shown(key)} is not one dpkg would print`;
      for (const k of ['version', 'sourceVersion'] as const) {
        const v = p[k] as string;
        if (!v) continue;
        if (scheme && !comparable(scheme, v)) return `package ${shown(key)} has ${k === 'version' ? 'version' : 'source version'} ${shown(v)}, which ${scheme.id === 'deb' ? 'dpkg' : 'rpm'} refuses to compare`;
      }
      if (!/^[a-z0-9][a-z0-9+.-]*$/.test(p.source as string)) return `package ${shown(key)} names source ${shown(p.source)}, not a package name`;
    }
  }
  if (f.held !== null && (!Array.isArray(f.held) || !f.held.every(isStr))) return 'held is not a list of names';
  if (f.checks !== undefined) {
    if (!obj(f.checks)) return 'checks is not a map';
    for (const [id, c] of Object.entries(f.checks)) if (!obj(c) || !Number.isInteger(c.exit) || (c.exit as number) < 0 || (c.exit as number) > 255) return `check ${shown(id)} has no exit status`;
  }
  if (!obj(f.files)) return 'files is not a map';
  for (const [path, m] of Object.entries(f.files)) {
    if (!obj(m) || typeof m.exists !== 'boolean') return `file ${shown(path)} has no existence`;
    if (m.mode !== undefined && !(isStr(m.mode) && /^[0-7]{4}$/.test(m.mode))) return `file ${shown(path)} has mode ${shown(m.mode)}`;
    for (const k of ['type', 'owner', 'group', 'sha256', 'target', 'content'] as const) if (m[k] !== undefined && !isStr(m[k])) return `file ${shown(path)}: ${k} is not a string`;
  }
  if (f.dirs !== undefined && !obj(f.dirs)) return 'dirs is not a map';
  for (const [path, d] of Object.entries(f.dirs ?? {})) if (!obj(d) || !isStr(d.type) || !isStr(d.owner) || !isStr(d.mode)) return `directory ${shown(path)} is not described`;
  if (!obj(f.settings)) return 'settings is not a map';
  for (const [file, kv] of Object.entries(f.settings)) {
    if (!obj(kv)) return `settings of ${shown(file)} are not a map`;
    for (const [k, v] of Object.entries(kv)) if (!strOrNull(v)) return `setting ${shown(k)} of ${shown(file)} is not a string`;
  }
  if (!obj(f.services)) return 'services is not a map';
  for (const [u, s] of Object.entries(f.services)) if (!obj(s) || !isStr(s.state) || !isStr(s.active)) return `service ${shown(u)} has no state`;
  if (!obj(f.sysctl)) return 'sysctl is not a map';
  for (const [k, v] of Object.entries(f.sysctl)) if (!strOrNull(v)) return `sysctl ${shown(k)} is not a string`;
  for (const [name, m] of [['sysctlBoot', f.sysctlBoot], ['kernelModules', f.kernelModules]] as const) {
    if (m === undefined) continue;
    if (!obj(m)) return `${name} is not a map`;
    for (const [k, lines] of Object.entries(m)) if (!Array.isArray(lines) || !lines.every((l) => obj(l) && isStr(l.file) && isStr((l as Record<string, unknown>).value ?? (l as Record<string, unknown>).line))) return `${name} ${shown(k)} is not a list of lines`;
  }
  if (f.rebootRequired !== null && typeof f.rebootRequired !== 'boolean') return 'rebootRequired is not a boolean';
  if (!Array.isArray(f.rebootPackages) || !f.rebootPackages.every(isStr)) return 'rebootPackages is not a list of names';
  if (!Array.isArray(f.unknown) || !f.unknown.every((u) => obj(u) && isStr(u.fact) && isStr(u.reason))) return 'unknown is not a list of facts and reasons';
  if (f.listening !== null && !Array.isArray(f.listening)) return 'listening is not a list';
  return undefined;
}
