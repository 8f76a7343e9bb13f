import { isBroken, isInstalled } from '../facts/package-state.js';
import type { Facts } from '../facts/types.js';
import { schemeForOs } from '../versioning/index.js';
import { isLabel, label } from '../secrets/rules.js';
import { parentProblem } from './paths.js';
import { sha256 } from './requirements.js';
import type { Finding, FindingKind, Requirement } from './types.js';

type Found = Omit<Finding, 'host' | 'origin' | 'source' | 'requirement'>;
/** A requirement holds, or differs (one finding per attribute that differs), or cannot be judged. */
export type Verdict = { ok: true } | { finding: Found } | { findings: Found[] } | { unknown: string };

/** The one "nothing to do" verdict, compared by identity. */
export const OK: Verdict = { ok: true };
const present = isInstalled;

// Fleet-wide, the same finding key and message recur on thousands of hosts: keep one copy of each string.
const interned = new Map<string, string>();
function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size > 200_000) interned.clear();
  interned.set(s, s);
  return s;
}

function found(kind: FindingKind, subject: string, expected: string | null, actual: string | null, message: string, unresolvable?: string): Verdict {
  return { finding: { key: intern(`${kind}:${subject}`), kind, subject, expected: expected && intern(expected), actual, message: intern(message), unresolvable } };
}

/** Enabled-like states satisfy "enabled": a static or aliased unit is active whenever what pulls it in is. */
const ENABLED_LIKE = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'generated']);

export function normaliseMode(mode: string): string {
  return mode.replace(/^0*/, '').padStart(4, '0');
}

/** Whether a mode sets no permission bit beyond `max` ("0640 or stricter": 0600 and 0440 are, 0644 and 4640 are not). */
export function withinMode(mode: string, max: string): boolean {
  return (parseInt(mode, 8) & ~parseInt(max, 8) & 0o7777) === 0;
}

/** The mode a file gets when only the bits beyond `max` are cleared: the least change that satisfies it. */
export function clampMode(mode: string, max: string): string {
  return (parseInt(mode, 8) & parseInt(max, 8) & 0o7777).toString(8).padStart(4, '0');
}

/** Judges one requirement against the facts; pure. */
export function compareRequirement(req: Requirement, facts: Facts): Verdict {
  switch (req.type) {
    case 'package-state': {
      if (!facts.packages) return { unknown: 'installed packages could not be read' };
      const pkg = facts.packages[req.name];
      return isBroken(pkg)
        ? found('package-broken', req.name, 'installed', `${pkg!.version} (${pkg!.status})`, `${req.name} ${pkg!.version} is ${pkg!.status} (dpkg --audit): a dpkg run was cut short; it does not count as installed`, req.unresolvable)
        : OK;
    }
    case 'package-present':
    case 'package-absent':
    case 'package-fixed': {
      if (!facts.packages) return { unknown: 'installed packages could not be read' };
      const pkg = facts.packages[req.name];
      if (req.type === 'package-absent') {
        return present(pkg) ? found('package-forbidden', req.name, 'absent', pkg!.version, `${req.name} ${pkg!.version} is installed but forbidden${req.reason ? ` (${req.reason})` : ''}`) : OK;
      }
      const scheme = facts.os ? schemeForOs(facts.os.id) : null;
      if (req.type === 'package-fixed') {
        if (!present(pkg)) return OK;
        if (!scheme) return { unknown: `no version order known for ${facts.os?.id ?? 'this OS'}` };
        return scheme.compare(pkg!.version, req.version) < 0
          ? found('package-vulnerable', req.name, `>= ${req.version}`, pkg!.version, `${req.name} ${pkg!.version} is older than the fixed version ${req.version}`)
          : OK;
      }
      if (!present(pkg)) return found('package-missing', req.name, req.version ?? (req.minVersion ? `>= ${req.minVersion}` : 'installed'), null, `${req.name} is required but not installed`);
      if (!req.version && !req.minVersion) return OK;
      if (!scheme) return { unknown: `no version order known for ${facts.os?.id ?? 'this OS'}` };
      if (req.version && scheme.compare(pkg!.version, req.version) !== 0) {
        return found('package-version', req.name, req.version, pkg!.version, `${req.name} is ${pkg!.version}, pinned to ${req.version}`);
      }
      if (req.minVersion && scheme.compare(pkg!.version, req.minVersion) < 0) {
        return found('package-version', req.name, `>= ${req.minVersion}`, pkg!.version, `${req.name} ${pkg!.version} is older than the required ${req.minVersion}`);
      }
      return OK;
    }
    case 'file': {
      const f = facts.files[req.path];
      if (!f) return { unknown: `${req.path} was not examined` };
      const unsafe = pathVerdict(req.path, facts, req.owner, f);
      if (unsafe) return unsafe;
      if (req.symlink !== undefined) {
        const has = f.exists ? (f.type === 'symlink' ? `symlink to ${f.target ?? '?'}` : (f.type ?? 'unknown')) : 'absent';
        if (f.exists && f.type === 'symlink' && f.target === req.symlink) return OK;
        return found('file-type', req.path, `symlink to ${req.symlink}`, has, `${req.path} should be a symbolic link to ${req.symlink} but is ${has === 'absent' ? 'absent' : has}`, 'plumb reports links and never makes or replaces them: fix the link by hand');
      }
      if (f.exists && f.type === 'symlink') {
        return found('file-type', req.path, req.content !== undefined ? 'a regular file' : 'not a link', `symlink to ${f.target ?? '?'}`, `${req.path} is a symbolic link to ${f.target ?? '?'}; plumb never follows links`, 'remove the link, or declare it (symlink: TARGET) if it belongs there');
      }
      if (f.exists && f.type === 'directory' && req.content !== undefined) {
        return found('file-type', req.path, 'a regular file', 'a directory', `${req.path} is a directory, where the desired state manages a file's content`, 'plumb never removes a directory: move it away by hand');
      }
      if (!f.exists) {
        return req.content !== undefined
          ? found('file-missing', req.path, 'present', null, `${req.path} does not exist`)
          : found('file-missing', req.path, 'present', null, `${req.path} does not exist`, 'the baseline sets only its attributes, so there is no content to create it with');
      }
      // Every attribute that differs is a finding of its own: a wrong mode must not hide a wrong owner until it is fixed.
      const differs: Verdict[] = [];
      if (req.content !== undefined) {
        if (!f.sha256) return { unknown: `the content of ${req.path} could not be read` };
        const want = sha256(req.content);
        if (want !== f.sha256) differs.push(found('file-content', req.path, `sha256:${want.slice(0, 12)}`, `sha256:${f.sha256.slice(0, 12)}`, `${req.path} differs from its managed content`));
      }
      if (req.mode && f.mode && normaliseMode(req.mode) !== normaliseMode(f.mode)) {
        differs.push(found('file-mode', req.path, normaliseMode(req.mode), normaliseMode(f.mode), `${req.path} has mode ${normaliseMode(f.mode)}, wants ${normaliseMode(req.mode)}`));
      }
      if (req.maxMode && f.mode && !withinMode(f.mode, req.maxMode)) {
        const max = normaliseMode(req.maxMode);
        differs.push(found('file-mode', req.path, `<= ${max}`, normaliseMode(f.mode), `${req.path} has mode ${normaliseMode(f.mode)}, wants ${max} or stricter`));
      }
      const wantOwner = `${req.owner ?? f.owner}:${req.group ?? f.group}`;
      const hasOwner = `${f.owner}:${f.group}`;
      if ((req.owner || req.group) && wantOwner !== hasOwner) differs.push(found('file-owner', req.path, wantOwner, hasOwner, `${req.path} is owned by ${hasOwner}, wants ${wantOwner}`));
      if (differs.length > 1) return { findings: differs.map((d) => (d as { finding: Found }).finding) };
      return differs[0] ?? OK;
    }
    case 'setting': {
      const meta = facts.files[req.file];
      const unsafe = meta ? pathVerdict(req.file, facts, undefined, meta) : undefined;
      if (unsafe) return unsafe;
      if (meta?.exists && meta.type === 'symlink') {
        return found('file-type', req.file, 'a regular file', `symlink to ${meta.target ?? '?'}`, `${req.file} is a symbolic link to ${meta.target ?? '?'}; plumb reads and edits settings only in plain files`, 'replace the link with the file it points to, by hand');
      }
      const values = facts.settings[req.file];
      if (!values) return { unknown: `settings of ${req.file} were not read` };
      const actual = values[req.key] ?? null;
      // A secret arrives as its label (hashed on the host) and is compared by hash; one read plainly (an older snapshot)
      // is compared as it is. Either way only labels are shown.
      const same = actual !== null && (isLabel(actual) ? actual === label(req.value) : req.syntax === 'space' ? actual.toLowerCase() === req.value.toLowerCase() : actual === req.value);
      if (same) return OK;
      const want = req.sensitive ? label(req.value) : req.value;
      const has = actual !== null && req.sensitive && !isLabel(actual) ? label(actual) : actual;
      return found('setting', `${req.file}:${req.key}`, want, has, `${req.key} in ${req.file} is ${has === null ? 'not set' : `'${has}'`}, wants '${want}'`);
    }
    case 'service': {
      const s = facts.services[req.unit];
      if (!s) return { unknown: `${req.unit} was not examined` };
      const ok = req.state === 'enabled' ? ENABLED_LIKE.has(s.state) : req.state === 'disabled' ? s.state === 'disabled' || s.state === 'not-found' || s.state === 'masked' : s.state === 'masked';
      if (ok) return OK;
      if (req.state === 'enabled' && s.state === 'not-found') return found('service', req.unit, 'enabled', 'not-found', `${req.unit} should be enabled but is not installed`, 'install the package that ships the unit');
      return found('service', req.unit, req.state, s.state, `${req.unit} is ${s.state}, wants ${req.state}`);
    }
    case 'reboot': {
      if (facts.rebootRequired === null) return { unknown: 'whether a reboot is pending could not be read' };
      const by = facts.rebootPackages.length ? ` (requested by ${facts.rebootPackages.join(', ')})` : '';
      return facts.rebootRequired ? found('reboot-required', 'host', 'no reboot pending', 'reboot pending', `a reboot is pending${by}`) : OK;
    }
    case 'sysctl': {
      if (!(req.key in facts.sysctl)) return { unknown: `${req.key} was not examined` };
      const actual = facts.sysctl[req.key];
      if (actual === null || actual === undefined) return { unknown: `${req.key} does not exist on this kernel or could not be read` };
      const norm = (v: string) => v.trim().split(/\s+/).join(' ');
      const now = norm(actual) === norm(req.value) ? undefined : (found('sysctl', req.key, req.value, actual, `${req.key} is ${actual}, wants ${req.value}`) as { finding: Found });
      const boot = bootVerdict(req.key, req.value, norm(actual) === norm(req.value), facts, norm);
      if (boot && 'unknown' in boot) return now ?? boot;
      if (now && boot) return { findings: [now.finding, boot.finding] };
      return now ?? boot ?? OK;
    }
    case 'kernel-module': {
      const lines = facts.kernelModules?.[req.name];
      if (!lines) return { unknown: `the modprobe configuration was not examined for ${req.name}` };
      const off = new RegExp(`^\\s*install\\s+${req.name}\\s+(/bin/false|/bin/true)$`);
      if (lines.some((l) => off.test(l.line))) return OK;
      const has = lines.length ? lines.map((l) => `${l.file}: ${l.line.trim()}`).join('; ') : 'no install line';
      return found('kernel-module', req.name, 'disabled', has, `kernel module ${req.name} may be loaded: no 'install ${req.name} /bin/false' in the modprobe configuration`);
    }
  }
}

/**
 * A managed path plumb must not touch: a directory above it another user can change or swap (file-parent), or the
 * path itself a link plumb was not told about, or not a plain file where content is managed (file-type). Both are
 * findings of their own that no action resolves: a person looks, since a link where plumb writes can be an attack.
 */
function pathVerdict(path: string, facts: Facts, owner: string | undefined, f: NonNullable<Facts['files'][string]>): Verdict | undefined {
  const parent = parentProblem(path, facts.dirs, owner);
  if (parent) return found('file-parent', path, 'directories only root or the declared owner can change', parent, `${path}: ${parent}`, 'plumb never changes a file through a directory another user can change or swap: fix the directory');
  if (!f.exists) return undefined;
  if (f.type === 'symlink') return undefined;
  if (f.type === 'other') return found('file-type', path, 'a regular file', 'neither a file nor a directory', `${path} is neither a regular file nor a directory`, 'plumb only changes regular files and directories');
  return undefined;
}

/** Where the boot-time configuration may be rewritten: /etc is the administrator's; /usr/lib and /run belong to packages and the running system. */
const EDITABLE = /^\/etc\/(?:sysctl\.conf|sysctl\.d\/[^/]+\.conf)$/;

/**
 * The value a key gets at boot: every line of the sysctl configuration that sets it must set the wanted value, and one
 * must (a contradicting line in any file is a finding, even one a later file overrides: SCAP content checks the same,
 * and it is one edit away from winning). Facts made by hand without the boot configuration judge the running value only.
 */
function bootVerdict(key: string, value: string, rightNow: boolean, facts: Facts, norm: (v: string) => string): { finding: Found } | { unknown: string } | undefined {
  if (!facts.sysctlBoot) return facts.unknown.some((u) => u.fact === 'sysctl-boot') ? { unknown: `the boot-time sysctl configuration could not be read` } : undefined;
  const lines = facts.sysctlBoot[key];
  if (!lines) return { unknown: `the boot-time configuration of ${key} was not examined` };
  const wrong = lines.filter((l) => norm(l.value) !== norm(value));
  const lost = rightNow ? ` (right now, but lost at reboot)` : '';
  if (!lines.length) {
    return found('sysctl-boot', key, `${value} at boot`, 'not set at boot', `${key}: no sysctl configuration file sets it${lost}`) as { finding: Found };
  }
  if (!wrong.length) return undefined;
  const where = wrong.map((l) => `${l.file}: ${l.value}`).join('; ');
  const vendor = wrong.filter((l) => !EDITABLE.test(l.file)).map((l) => l.file);
  const f = found(
    'sysctl-boot', key, `${value} at boot`, where,
    `${key} is set otherwise in the boot-time configuration (${where})${lost}`,
    vendor.length ? `${[...new Set(vendor)].join(', ')} belongs to a package or the running system: override it with a file of the same name in /etc/sysctl.d, by hand` : undefined,
  ) as { finding: Found };
  f.finding.paths = [...new Set(wrong.map((l) => l.file).filter((p) => EDITABLE.test(p)))];
  return f;
}
