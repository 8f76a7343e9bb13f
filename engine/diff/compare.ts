import { isBroken, isInstalled } from '../facts/package-state.js';
import type { Facts } from '../facts/types.js';
import { schemeForOs } from '../versioning/index.js';
import { isLabel, label } from '../secrets/rules.js';
import { parentProblem } from './paths.js';
import { sha256 } from './requirements.js';
import type { Finding, FindingKind, Requirement } from './types.js';

export type Verdict = { ok: true } | { finding: Omit<Finding, 'host' | 'origin' | 'source' | 'requirement'> } | { unknown: string };

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
      if (req.content !== undefined) {
        if (!f.sha256) return { unknown: `the content of ${req.path} could not be read` };
        const want = sha256(req.content);
        if (want !== f.sha256) return found('file-content', req.path, `sha256:${want.slice(0, 12)}`, `sha256:${f.sha256.slice(0, 12)}`, `${req.path} differs from its managed content`);
      }
      if (req.mode && f.mode && normaliseMode(req.mode) !== normaliseMode(f.mode)) {
        return found('file-mode', req.path, normaliseMode(req.mode), normaliseMode(f.mode), `${req.path} has mode ${normaliseMode(f.mode)}, wants ${normaliseMode(req.mode)}`);
      }
      const wantOwner = `${req.owner ?? f.owner}:${req.group ?? f.group}`;
      const hasOwner = `${f.owner}:${f.group}`;
      if ((req.owner || req.group) && wantOwner !== hasOwner) return found('file-owner', req.path, wantOwner, hasOwner, `${req.path} is owned by ${hasOwner}, wants ${wantOwner}`);
      return OK;
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
      return norm(actual) === norm(req.value) ? OK : found('sysctl', req.key, req.value, actual, `${req.key} is ${actual}, wants ${req.value}`);
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
