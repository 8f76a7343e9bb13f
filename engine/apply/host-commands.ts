import { readFileSync } from 'node:fs';
import { sysctlPath } from '../facts/request.js';
import { shellQuote } from '../transport/shell.js';

/** Where a host keeps the backups of one run; root-owned, 0700, outside anything the engine manages. */
export const BACKUP_ROOT = '/var/lib/plumbline/backups';

/** The sysctl values the engine persists live in a file of its own, read at boot after the distribution's. */
export const SYSCTL_FILE = '/etc/sysctl.d/99-plumbline.conf';

/** The kernel modules the engine turns off: `install NAME /bin/false` and `blacklist NAME`, one file of its own. */
export const MODPROBE_FILE = '/etc/modprobe.d/plumbline.conf';

const SAFE_PATH = compactPerl(readFileSync(new URL('./safe-path.pl', import.meta.url), 'utf8'));

/** Comment lines and indentation out: the script travels in every file command (safe for it: no here-documents). */
function compactPerl(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^[ \t]+/, ''))
    .filter((l) => l !== '' && !l.startsWith('#'))
    .join('\n');
}

/**
 * One operation of safe-path.pl, the host side of every file change: each path walked from / through descriptors
 * opened with O_NOFOLLOW, every directory on the way checked before it is entered, the last component changed
 * through its own descriptor or replaced by rename in the held directory (README.md, "Symlink-safe file changes").
 */
function safePath(op: string, ...args: string[]): string {
  return `perl -e ${shellQuote(SAFE_PATH)} -- ${[op, ...args].map(shellQuote).join(' ')}`;
}

/** Exit status of safe-path.pl when a check failed; nothing was touched, and stderr says why. */
export const REFUSED_STATUS = 5;
/** The refusal's reason from safe-path.pl's stderr, if it refused. */
export function refusalOf(code: number, stderr: string): string | undefined {
  if (code !== REFUSED_STATUS) return undefined;
  return /^plumb-refused: (.*)$/m.exec(stderr)?.[1] ?? 'a path check failed';
}

export interface BackupItem {
  path: string;
  /** The owner the desired state declares for the path: it may own the directories on the way, besides root. */
  owner?: string;
  /** The current content is needed (to edit keys in it). */
  content: boolean;
}

/** What backupCommand reads: one "path<TAB>owner<TAB>c" line per path. */
export function backupInput(items: readonly BackupItem[]): string {
  for (const i of items) if (/[\t\n]/.test(i.path + (i.owner ?? ''))) throw new Error(`a path or owner with a tab or line break: ${JSON.stringify(i.path)}`);
  return items.map((i) => `${i.path}\t${i.owner ?? ''}\t${i.content ? 'c' : ''}\n`).join('');
}

/**
 * Checks every path first (nothing is touched when one fails), then copies each into BACKUP_ROOT/<run>/files/<n> with
 * a manifest (path, existed, mode, uid, gid, declared owner), and prints the current content of the paths that asked
 * for it, so that key edits start from what is on the host now. Paths arrive on stdin (backupInput).
 */
export function backupCommand(runId: string): string {
  return safePath('backup', `${BACKUP_ROOT}/${runId}`);
}

/** backupCommand's output: "path<TAB>1<TAB>length" and that many bytes, or "path<TAB>0<TAB>" for a path that is absent. */
export function parseBackupOutput(out: Buffer): Map<string, string | null> {
  const m = new Map<string, string | null>();
  let pos = 0;
  while (pos < out.length) {
    let nl = out.indexOf(0x0a, pos);
    if (nl < 0) nl = out.length;
    const [path, existed, len] = out.toString('utf8', pos, nl).split('\t');
    pos = nl + 1;
    if (!path) continue;
    if (existed !== '1') {
      m.set(path, null);
      continue;
    }
    const n = Number(len);
    m.set(path, out.toString('utf8', pos, pos + n));
    pos += n;
  }
  return m;
}

/** Puts every backed-up path back as it was (or removes it when it did not exist), through the same checked walk. */
export function restoreCommand(runId: string): string {
  return safePath('restore', `${BACKUP_ROOT}/${runId}`);
}

/** Known validators: a config that would lock people out is refused before it replaces the working one. */
const VALIDATORS: Record<string, string> = { '/etc/ssh/sshd_config': 'sshd' };

/**
 * Replaces a file with the content on stdin: a temporary file in the same (checked, held) directory, ownership and
 * mode set on its descriptor (given, or the file's own), validated where a validator is known, synced, then renamed.
 */
export function writeFileCommand(path: string, attrs: { mode?: string; owner?: string; group?: string }): string {
  return safePath('write', path, attrs.mode ?? '', attrs.owner ?? '', attrs.group ?? '', VALIDATORS[path] ?? '');
}

/** Mode and ownership changed through the opened file (never through a link, never chmod by name). */
export function attributesCommand(path: string, attrs: { mode?: string; owner?: string; group?: string }): string {
  return safePath('attrs', path, attrs.mode ?? '', attrs.owner ?? '', attrs.group ?? '');
}

/** Without a running systemd (containers, chroots, the lab) unit links are edited offline with --root=/. */
export function serviceCommand(verb: 'enable' | 'disable' | 'mask', unit: string): string {
  const u = shellQuote(unit);
  const now = verb === 'enable' ? '' : ' --now';
  return `set -e; if [ -d /run/systemd/system ]; then systemctl${now} ${verb} ${u}; else systemctl --root=/ ${verb} ${u}; fi`;
}

/** Sets a kernel parameter now; persisting it is a key in SYSCTL_FILE, written like any other setting. */
export function sysctlCommand(key: string, value: string): string {
  const path = sysctlPath(key);
  return `set -e; if command -v sysctl >/dev/null 2>&1; then sysctl -q -w ${shellQuote(`${key}=${value}`)}; else printf '%s\\n' ${shellQuote(value)} > ${shellQuote(path)}; fi`;
}

/** Services whose config the engine changed and that read it only at start: reloaded when systemd runs them. */
export const RELOAD_AFTER: Record<string, string> = { '/etc/ssh/sshd_config': 'ssh.service' };

export function reloadCommand(unit: string): string {
  const u = shellQuote(unit);
  return `if [ -d /run/systemd/system ] && systemctl is-active --quiet ${u}; then systemctl reload-or-restart ${u}; fi`;
}

/** Prints every backed-up path that differs from its backup now (content, or existence); nothing when all match. */
export function compareBackupCommand(runId: string): string {
  return safePath('compare', `${BACKUP_ROOT}/${runId}`);
}
