import { FactsUnreadable } from '../errors/index.js';
import { INCLUDE_BASE } from './request.js';
import { debianArch, readDpkg, readOsRelease, readSs, readStat } from './readers.js';
import { equalsSettings, spaceSettings } from './settings.js';
import type { Facts, FactsRequest, FileFact } from './types.js';

/** One JSON Lines record of the gather script's output (see engine/facts/README.md). */
type Rec = Record<string, unknown> & { t: string };

const b64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');
const str = (s: unknown): string | undefined => (typeof s === 'string' ? s : undefined);

/**
 * Pure: the script's output for `request` → Facts. Single malformed lines are skipped and reported in
 * `unknown`; output without its begin or end record is refused, since a truncated run would read as "absent".
 */
export function parseFacts(output: string, request: FactsRequest, host: string, opts: { now?: Date } = {}): Facts {
  const records: Rec[] = [];
  let malformed = 0;
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (r && typeof r === 'object' && typeof (r as Rec).t === 'string') records.push(r as Rec);
      else malformed++;
    } catch {
      malformed++;
    }
  }
  const begin = records.find((r) => r.t === 'begin');
  if (!begin) throw new FactsUnreadable(host, records.length ? 'no begin record' : 'the script printed nothing usable');
  if (begin.v !== 1) throw new FactsUnreadable(host, `output format version ${String(begin.v)} is not 1`);
  if (!records.some((r) => r.t === 'end')) throw new FactsUnreadable(host, 'the output ended early (no end record)');

  const unknown: Facts['unknown'] = [];
  const miss = (fact: string, reason: string) => unknown.push({ fact, reason });
  if (malformed) miss('output', `${malformed} malformed line${malformed === 1 ? '' : 's'} ignored`);
  const one = (t: string) => records.find((r) => r.t === t);
  const all = (t: string) => records.filter((r) => r.t === t);
  for (const r of all('unknown')) miss(str(r.fact) ?? '?', str(r.reason) ?? '?');
  const reported = (fact: string, t: string) => one(t) !== undefined || unknown.some((u) => u.fact === fact);

  const osRec = one('os');
  const os = osRec ? readOsRelease(b64(osRec.data)) : null;
  if (osRec && !os) miss('os', 'os-release has no ID');
  const dpkgArch = str(one('dpkg_arch')?.value) ?? null;
  const machine = str(one('machine')?.value);
  const pkgRec = one('packages');
  let packages: Facts['packages'] = null;
  let held: Facts['held'] = null;
  if (pkgRec) {
    const read = readDpkg(b64(pkgRec.data), pkgRec.format === 'legacy' ? 'legacy' : 'source', dpkgArch);
    packages = read.packages;
    held = read.held;
    if (read.bad) miss('packages', `${read.bad} unreadable dpkg-query line${read.bad === 1 ? '' : 's'} ignored`);
  }

  const contents = new Map<string, string>();
  const contentUnknown = new Map<string, string>();
  for (const r of all('content')) contents.set(b64(r.path), b64(r.data));
  for (const r of all('content_unknown')) contentUnknown.set(b64(r.path), str(r.reason) ?? 'unknown');
  const globs = new Map<string, string[]>();
  for (const r of all('glob')) globs.set(`${b64(r.file)}\u0000${b64(r.pattern)}`, Array.isArray(r.matches) ? r.matches.map(b64) : []);
  const fileRecs = new Map(all('file').map((r) => [str(r.path) ?? '', r]));
  const noContents = unknown.some((u) => u.fact === 'contents');

  const files: Record<string, FileFact> = {};
  const wantContent = new Set([...request.contents, ...request.settings.map((s) => s.file)]);
  for (const path of new Set([...request.files, ...wantContent])) {
    const r = fileRecs.get(path);
    if (!r) {
      if (request.files.includes(path)) miss(`file:${path}`, 'not in the output');
      continue;
    }
    if (r.exists !== true) {
      files[path] = { exists: false };
      continue;
    }
    const f: FileFact = { exists: true, ...(typeof r.stat === 'string' ? (readStat(r.stat) ?? {}) : {}) };
    if (f.type === undefined) miss(`file:${path}`, 'stat not available');
    if (typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256)) f.sha256 = r.sha256;
    else if (f.type === 'file' || f.type === undefined) miss(`file:${path}:sha256`, 'sha256sum not available or file not readable');
    if (wantContent.has(path) && f.type !== 'directory') {
      const c = contents.get(path);
      if (c !== undefined) f.content = c;
      else if (!noContents) miss(`content:${path}`, contentUnknown.get(path) ?? 'not in the output');
    }
    files[path] = f;
  }

  const settings: Facts['settings'] = {};
  for (const s of request.settings) {
    const meta = files[s.file];
    if (meta && !meta.exists) {
      settings[s.file] = Object.fromEntries(s.keys.map((k) => [k, null]));
      continue;
    }
    const text = contents.get(s.file);
    if (text === undefined) {
      miss(`settings:${s.file}`, noContents ? 'file contents not available (no base64)' : (contentUnknown.get(s.file) ?? 'content not in the output'));
      continue;
    }
    if (s.syntax === 'equals') {
      settings[s.file] = equalsSettings(text, s.keys);
      continue;
    }
    const r = spaceSettings(s.file, INCLUDE_BASE, s.keys, (p) => contents.get(p), (f, p) => globs.get(`${f}\u0000${p}`));
    if (r.ok) settings[s.file] = r.values;
    else miss(`settings:${s.file}`, r.reason);
  }

  const services: Facts['services'] = {};
  const serviceRecs = new Map(all('service').map((r) => [str(r.name) ?? '', r]));
  for (const name of request.services) {
    const r = serviceRecs.get(name);
    if (r && typeof r.state === 'string' && r.state) services[name] = { state: r.state, active: str(r.active) || 'unknown' };
    else miss(`service:${name}`, 'not in the output');
  }

  const sysctl: Facts['sysctl'] = {};
  const sysctlRecs = new Map(all('sysctl').map((r) => [str(r.key) ?? '', r]));
  for (const key of request.sysctl) {
    const r = sysctlRecs.get(key);
    const v = typeof r?.value === 'string' ? r.value.replace(/\s+/g, ' ').trim() : null;
    sysctl[key] = v;
    if (v === null) miss(`sysctl:${key}`, str(r?.reason) ?? 'not in the output');
  }

  const listenRec = one('listening');
  const reboot = one('reboot');
  const uptime = Number(str(one('uptime')?.seconds));
  const kernel = str(one('kernel')?.value) ?? null;
  const facts: Facts = {
    host,
    gatheredAt: str(begin.time) ?? (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    os,
    kernel,
    arch: dpkgArch ?? (machine ? debianArch(machine) : null),
    platform: pkgRec || dpkgArch ? 'apt' : one('platform')?.value === 'rpm' ? 'rpm' : null,
    packages,
    held,
    files,
    settings,
    services,
    sysctl,
    listening: listenRec ? readSs(b64(listenRec.data)) : null,
    rebootRequired: reboot ? reboot.required === true : null,
    rebootPackages: reboot ? b64(reboot.pkgs).split('\n').map((s) => s.trim()).filter(Boolean) : [],
    uptimeSeconds: Number.isFinite(uptime) && str(one('uptime')?.seconds) ? Math.floor(uptime) : null,
    unknown,
  };
  if (!begin.time) miss('gatheredAt', 'date not available on the host; the control machine\'s clock was used');
  for (const [fact, t] of [['os', 'os'], ['kernel', 'kernel'], ['packages', 'packages'], ['listening', 'listening'], ['uptime', 'uptime'], ['reboot', 'reboot']] as const) {
    if (!reported(fact, t)) miss(fact, 'not in the output');
  }
  return facts;
}
