import { FactsUnreadable } from '../errors/index.js';
import { createHash } from 'node:crypto';
import { readFrames, unbundle, type Rec } from './frames.js';
import { INCLUDE_BASE } from './request.js';
import { debianArch, readDpkg, readOsRelease, readSs, readStat, readSums } from './readers.js';
import { equalsSettings, spaceSettings } from './settings.js';
import { labelOfHash } from '../secrets/rules.js';
import type { DirFact, Facts, FactsRequest, FileFact } from './types.js';

/** The output format version this parser reads (engine/facts/README.md). */
export const FORMAT_VERSION = 3;

const b64 = (s: unknown): string => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : '');
const str = (s: unknown): string | undefined => (typeof s === 'string' ? s : undefined);
/** A path the script sent plain ("path") or, when it had no safe frame, base64-encoded ("path64"). */
const pathOf = (r: Rec, key: string): string => str(r[key]) ?? b64(r[`${key}64`]);
const REBOOT_PKGS = '/run/reboot-required.pkgs';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Pure: the script's output for `request` → Facts. Single malformed lines are skipped and reported in
 * `unknown`; output without its begin or end record is refused, since a truncated run would read as "absent".
 */
export function parseFacts(output: string | Buffer, request: FactsRequest, host: string, opts: { now?: Date } = {}): Facts {
  const { records, malformed, bundle } = readFrames(output, host);
  const begin = records.find((r) => r.t === 'begin');
  if (!begin) throw new FactsUnreadable(host, records.length ? 'no begin record' : 'the script printed nothing usable');
  if (begin.v !== FORMAT_VERSION) throw new FactsUnreadable(host, `output format version ${String(begin.v)} is not ${FORMAT_VERSION}`);
  if (!records.some((r) => r.t === 'end')) throw new FactsUnreadable(host, 'the output ended early (no end record)');

  const unknown: Facts['unknown'] = [];
  const miss = (fact: string, reason: string) => unknown.push({ fact, reason });
  if (malformed) miss('output', `${malformed} malformed line${malformed === 1 ? '' : 's'} ignored`);
  const one = (t: string) => records.find((r) => r.t === t);
  const all = (t: string) => records.filter((r) => r.t === t);
  const text = (r: Rec | undefined) => r?.raw?.toString('utf8');
  for (const r of all('unknown')) miss(str(r.fact) ?? '?', str(r.reason) ?? '?');
  const reported = (fact: string, t: string) => one(t) !== undefined || unknown.some((u) => u.fact === fact);
  const noContents = unknown.some((u) => u.fact === 'contents');

  const stats = readStat(text(one('stat')) ?? '');
  const sums = readSums(text(one('sha256')) ?? '');
  const contents = new Map<string, string>();
  const contentUnknown = new Map<string, string>();
  for (const r of all('content')) contents.set(pathOf(r, 'path'), b64(r.data));
  for (const r of all('content_unknown')) contentUnknown.set(pathOf(r, 'path'), str(r.reason) ?? 'unknown');
  if (bundle) {
    const u = unbundle(bundle, one('end')?.bundle, sums);
    for (const [p, c] of u.contents) contents.set(p, c);
    for (const [p, why] of u.failed) contentUnknown.set(p, why);
  }
  // Settings files: the lines that matter, read here (`lines`) or redacted by gather-nofollow.pl.
  const settingsText = new Map<string, string>();
  const lines = one('lines');
  if (lines && Array.isArray(lines.files)) {
    const byFile = new Map<string, string[]>(lines.files.filter((f): f is string => typeof f === 'string').map((f) => [f, []]));
    for (const l of (text(lines) ?? '').split('\n')) {
      const colon = l.indexOf(':');
      if (colon > 0) byFile.get(l.slice(0, colon))?.push(l.slice(colon + 1));
    }
    for (const [f, ls] of byFile) settingsText.set(f, ls.length ? `${ls.join('\n')}\n` : '');
  }
  const redacted = new Set<string>();
  const values = new Map<string, string>();
  const nofollow = one('nofollow');
  if (nofollow?.raw) {
    const inner = readFrames(nofollow.raw, host).records;
    const sumsRec = inner.find((r) => r.t === 'sums');
    const byFd = new Map<number, string>();
    for (const line of (sumsRec?.raw?.toString('utf8') ?? '').split('\n')) {
      const m = /^([0-9a-f]{64}) [ *]\/dev\/fd\/(\d+)$/.exec(line);
      if (m) byFd.set(Number(m[2]), m[1]!);
    }
    const pairs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is [number, unknown] => Array.isArray(x) && typeof x[0] === 'number') : []);
    for (const [fd, path] of pairs(sumsRec?.files)) if (typeof path === 'string' && byFd.has(fd)) sums.set(path, byFd.get(fd)!);
    for (const [fd, n] of pairs(sumsRec?.values)) if (byFd.has(fd)) values.set(`\u0001${String(n)}\u0001`, labelOfHash(byFd.get(fd)!));
    for (const r of inner) {
      const path = str(r.path);
      if (path === undefined) continue;
      if (r.t === 'safe' && r.ok === false) contentUnknown.set(path, str(r.reason) ?? 'refused');
      else if (r.t === 'body' && r.raw) {
        // The bytes and the sha256 come from two reads of one descriptor: a file that changed in between is unknown.
        const sum = sums.get(path);
        if (sum && sha256(r.raw) !== sum) contentUnknown.set(path, 'changed while being read');
        else contents.set(path, r.raw.toString('utf8'));
      } else if (r.t === 'redacted' && r.raw) {
        settingsText.set(path, r.raw.toString('utf8'));
        redacted.add(path);
      }
    }
  }
  const contentMissing = (path: string) => contentUnknown.get(path) ?? (noContents ? 'file contents not available' : 'not in the output');

  const osRec = one('os');
  let os: Facts['os'] = null;
  if (osRec) {
    const osPath = str(osRec.path) ?? '';
    const osText = contents.get(osPath);
    if (osText === undefined) miss('os', `${osPath}: ${contentMissing(osPath)}`);
    else if (!(os = readOsRelease(osText))) miss('os', 'os-release has no ID');
  }
  const machine = str(one('machine')?.value);
  const pkgRec = one('packages');
  let packages: Facts['packages'] = null;
  let held: Facts['held'] = null;
  let dpkgArch: string | null = null;
  if (pkgRec) {
    const lines = text(pkgRec) ?? '';
    // dpkg's own architecture is the native one: what `dpkg --print-architecture` prints.
    dpkgArch = /^dpkg\t[^\t\n]*\t([a-z0-9-]+)\t/m.exec(lines)?.[1] ?? null;
    const read = readDpkg(lines, pkgRec.format === 'legacy' ? 'legacy' : 'source', dpkgArch ?? (machine ? debianArch(machine) : null));
    packages = read.packages;
    held = read.held;
    if (read.bad) miss('packages', `${read.bad} unreadable dpkg-query line${read.bad === 1 ? '' : 's'} ignored`);
  }

  const globs = new Map<string, string[]>();
  for (const r of all('glob')) {
    const matches = Array.isArray(r.matches) ? r.matches.map((m) => str(m) ?? '') : Array.isArray(r.matches64) ? r.matches64.map(b64) : [];
    globs.set(`${pathOf(r, 'file')}\u0000${pathOf(r, 'pattern')}`, matches);
  }
  const fileRecs = new Map(all('file').map((r) => [str(r.path) ?? '', r]));

  const files: Record<string, FileFact> = {};
  const wantContent = new Set(request.contents);
  for (const path of new Set([...request.files, ...wantContent, ...request.settings.map((s) => s.file)])) {
    const r = fileRecs.get(path);
    if (!r) {
      if (request.files.includes(path)) miss(`file:${path}`, 'not in the output');
      continue;
    }
    if (r.exists !== true) {
      files[path] = { exists: false };
      continue;
    }
    const st = stats.get(path);
    const f: FileFact = { exists: true };
    if (st) Object.assign(f, { type: st.type, mode: st.mode, owner: st.owner, group: st.group, size: st.size, ...(st.target !== undefined ? { target: st.target } : {}) });
    if (f.type === undefined) miss(`file:${path}`, 'stat not available');
    const sum = sums.get(path);
    if (sum) f.sha256 = sum;
    else if (f.type === 'file' || f.type === undefined) miss(`file:${path}:sha256`, contentUnknown.get(path) ?? 'sha256sum not available or file not readable');
    if (redacted.has(path)) f.sensitive = true;
    if (wantContent.has(path) && f.type !== 'directory') {
      const c = contents.get(path);
      if (c !== undefined) f.content = c;
      else if (!noContents) miss(`content:${path}`, contentMissing(path));
    }
    files[path] = f;
  }

  // Every directory above a requested path, as stat saw it (a missing one, and all below it, are absent).
  const dirs: Record<string, DirFact> = {};
  for (const path of Object.keys(files)) {
    for (let d = path.slice(0, path.lastIndexOf('/')) || '/'; ; d = d.slice(0, d.lastIndexOf('/')) || '/') {
      if (dirs[d]) break;
      const st = stats.get(d);
      if (!st) {
        if (d === '/') break;
        continue;
      }
      dirs[d] = { type: st.type ?? 'other', mode: st.mode ?? '0000', owner: st.owner ?? '', ...(st.target !== undefined ? { target: st.target } : {}) };
      if (d === '/') break;
    }
  }

  const settings: Facts['settings'] = {};
  for (const s of request.settings) {
    const meta = files[s.file];
    if (meta && !meta.exists) {
      settings[s.file] = Object.fromEntries(s.keys.map((k) => [k, null]));
      continue;
    }
    const content = settingsText.get(s.file);
    if (content === undefined) {
      miss(`settings:${s.file}`, noContents ? 'file contents not available' : (contentUnknown.get(s.file) ?? 'content not in the output'));
      continue;
    }
    let read: Record<string, string | null>;
    if (s.syntax === 'equals') read = equalsSettings(content, s.keys);
    else {
      const r = spaceSettings(s.file, INCLUDE_BASE, s.keys, (p) => settingsText.get(p), (f, p) => globs.get(`${f}\u0000${p}`));
      if (!r.ok) {
        miss(`settings:${s.file}`, r.reason);
        continue;
      }
      read = r.values;
    }
    // A hashed value arrives as \u0001n\u0001: its label, `sensitive, sha256:…`, is all that is kept.
    const lost = Object.values(read).some((v) => v !== null && v.includes('\u0001') && !values.has(v));
    if (lost) {
      miss(`settings:${s.file}`, 'the host could not hash a secret value (no sha256sum?)');
      continue;
    }
    settings[s.file] = Object.fromEntries(Object.entries(read).map(([k, v]) => [k, v !== null && values.has(v) ? values.get(v)! : v]));
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

  const { sysctlBoot, kernelModules } = readBootConfig(request, one('sysctlboot'), one('modprobe'), text, miss);

  // The host's clock: the ctime of stat's own /proc directory (made as stat looked it up), else date's answer.
  const selfCtime = stats.get('/proc/self/')?.ctime;
  const hostTime = selfCtime !== undefined && selfCtime > 946684800 ? new Date(selfCtime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : str(one('time')?.value);
  const listenRec = one('listening');
  const reboot = one('reboot');
  const uptime = Number(str(one('uptime')?.seconds));
  const platform = str(one('platform')?.value);
  const facts: Facts = {
    host,
    gatheredAt: hostTime ?? (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    os,
    kernel: str(one('kernel')?.value) ?? null,
    arch: dpkgArch ?? (machine ? debianArch(machine) : null),
    platform: platform === 'apt' || platform === 'rpm' ? platform : null,
    packages,
    held,
    files,
    dirs,
    settings,
    services,
    sysctl,
    ...(sysctlBoot ? { sysctlBoot } : {}),
    ...(kernelModules ? { kernelModules } : {}),
    listening: listenRec ? readSs(text(listenRec) ?? '') : null,
    rebootRequired: reboot ? reboot.required === true : null,
    rebootPackages: reboot?.required === true ? (contents.get(REBOOT_PKGS) ?? '').split('\n').map((s) => s.trim()).filter(Boolean) : [],
    uptimeSeconds: Number.isFinite(uptime) && str(one('uptime')?.seconds) ? Math.floor(uptime) : null,
    unknown,
  };
  if (!hostTime) miss('gatheredAt', 'neither stat nor date available on the host; the control machine\'s clock was used');
  for (const [fact, t] of [['os', 'os'], ['kernel', 'kernel'], ['packages', 'packages'], ['listening', 'listening'], ['uptime', 'uptime'], ['reboot', 'reboot']] as const) {
    if (!reported(fact, t)) miss(fact, 'not in the output');
  }
  return facts;
}

/** `path.conf:line` → the file and its line; other shapes (a file name the script would not send) are dropped. */
function bootLines(raw: string): Array<{ file: string; line: string }> {
  const out: Array<{ file: string; line: string }> = [];
  for (const l of raw.split('\n')) {
    const m = /^(\/[A-Za-z0-9._@+,=/-]*?\.conf):(.*)$/.exec(l);
    if (m) out.push({ file: m[1]!, line: m[2]! });
  }
  return out;
}

/**
 * The boot-time configuration: every `key = value` line of the sysctl keys asked, every install/blacklist line of the
 * modules asked. A kind that was asked and not reported is unknown (`sysctl-boot`, `modprobe`).
 */
function readBootConfig(request: FactsRequest, sysRec: Rec | undefined, modRec: Rec | undefined, text: (r: Rec | undefined) => string | undefined, miss: (fact: string, reason: string) => void) {
  let sysctlBoot: Facts['sysctlBoot'];
  if (request.sysctl.length) {
    if (!sysRec) miss('sysctl-boot', 'the boot-time sysctl configuration was not read');
    else {
      sysctlBoot = Object.fromEntries(request.sysctl.map((k) => [k, [] as Array<{ file: string; value: string }>]));
      for (const { file, line } of bootLines(text(sysRec) ?? '')) {
        const eq = line.indexOf('=');
        if (eq < 0) continue;
        const key = line.slice(0, eq).trim();
        // systemd-sysctl: the value is the rest of the line, blanks around it dropped (a leading '-' on the key only silences errors).
        const k = key.replace(/^-/, '');
        if (Object.hasOwn(sysctlBoot, k)) sysctlBoot[k]!.push({ file, value: line.slice(eq + 1).trim().replace(/\s+/g, ' ') });
      }
    }
  }
  let kernelModules: Facts['kernelModules'];
  if (request.modules?.length) {
    if (!modRec) miss('modprobe', 'the modprobe configuration was not read');
    else {
      kernelModules = Object.fromEntries(request.modules.map((m) => [m, [] as Array<{ file: string; line: string }>]));
      for (const { file, line } of bootLines(text(modRec) ?? '')) {
        const name = line.trim().split(/\s+/)[1];
        // Kept as written: SCAP content's check reads the line exactly (`^\s*install\s+NAME\s+/bin/false$`).
        if (name && Object.hasOwn(kernelModules, name)) kernelModules[name]!.push({ file, line });
      }
    }
  }
  return { sysctlBoot, kernelModules };
}
