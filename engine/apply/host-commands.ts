import { sysctlPath } from '../facts/request.js';
import { shellQuote } from '../transport/shell.js';

/** Where a host keeps the backups of one run; root-owned, 0700, outside anything the engine manages. */
export const BACKUP_ROOT = '/var/lib/plumbline/backups';

/** The sysctl values the engine persists live in a file of its own, read at boot after the distribution's. */
export const SYSCTL_FILE = '/etc/sysctl.d/99-plumbline.conf';

/**
 * Backs up `paths` into BACKUP_ROOT/<run>/ with a manifest (path, existed, mode, uid, gid), then prints every
 * path's current content base64-encoded, so that key/value edits start from what is on the host now, not from
 * facts gathered earlier. One command; paths arrive on stdin, one per line, as data.
 */
export function backupCommand(runId: string): string {
  const dir = shellQuote(`${BACKUP_ROOT}/${runId}`);
  return [
    `set -e; umask 077; d=${dir}; mkdir -p "$d/files"; : > "$d/manifest.tsv"; n=0`,
    'while IFS= read -r p; do',
    '  [ -n "$p" ] || continue; n=$((n+1))',
    '  if [ -e "$p" ] || [ -L "$p" ]; then',
    '    cp -a -- "$p" "$d/files/$n"',
    `    printf '%s\\t1\\t%s\\n' "$p" "$(stat -c '%a %u %g' -- "$p")" >> "$d/manifest.tsv"`,
    `    printf '%s\\t1\\t' "$p"; base64 -w0 < "$p"; printf '\\n'`,
    '  else',
    `    printf '%s\\t0\\t\\n' "$p" >> "$d/manifest.tsv"`,
    `    printf '%s\\t0\\t\\n' "$p"`,
    '  fi',
    'done',
    'sync "$d/manifest.tsv" 2>/dev/null || sync',
  ].join('\n');
}

export function parseBackupOutput(out: string): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const [path, existed, b64] = line.split('\t');
    if (path) m.set(path, existed === '1' ? Buffer.from(b64 ?? '', 'base64').toString('utf8') : null);
  }
  return m;
}

/** Puts every backed-up path back as it was (or removes it when it did not exist), from the run's manifest. */
export function restoreCommand(runId: string): string {
  const dir = shellQuote(`${BACKUP_ROOT}/${runId}`);
  return [
    `set -e; d=${dir}; [ -f "$d/manifest.tsv" ] || { echo "no backup $d" >&2; exit 3; }; n=0`,
    `while IFS="$(printf '\\t')" read -r p existed meta; do`,
    '  n=$((n+1))',
    '  if [ "$existed" = 1 ]; then t="$p.plumb-restore.$$"; cp -a -- "$d/files/$n" "$t" && mv -f -- "$t" "$p"; else rm -f -- "$p"; fi',
    'done < "$d/manifest.tsv"',
  ].join('\n');
}

/** Known validators: a config that would lock people out is refused before it replaces the working one. */
const VALIDATORS: Record<string, (tmp: string) => string> = {
  '/etc/ssh/sshd_config': (tmp) => `if command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; then ${'${SSHD:-/usr/sbin/sshd}'} -t -f ${tmp} || { rm -f ${tmp}; echo "sshd -t rejected the new sshd_config" >&2; exit 4; }; fi`,
};

/**
 * Replaces a file atomically with the content on stdin: a temporary file in the same directory, ownership and
 * mode set (given, or copied from the file it replaces), validated where a validator is known, then renamed.
 */
export function writeFileCommand(path: string, attrs: { mode?: string; owner?: string; group?: string }): string {
  const p = shellQuote(path);
  const validate = VALIDATORS[path]?.('"$t"') ?? ':';
  return [
    `set -e; p=${p}; mkdir -p -- "$(dirname -- "$p")"; t=$(mktemp -- "$p.plumb.XXXXXX")`,
    `cat > "$t"`,
    `if [ -e "$p" ]; then chown --reference="$p" -- "$t"; chmod --reference="$p" -- "$t"; else chmod 0644 -- "$t"; fi`,
    attrs.owner || attrs.group ? `chown -- ${shellQuote(`${attrs.owner ?? ''}:${attrs.group ?? ''}`.replace(/:$/, ''))} "$t"` : ':',
    attrs.mode ? `chmod -- ${shellQuote(attrs.mode)} "$t"` : ':',
    validate,
    `mv -f -- "$t" "$p"`,
  ].join('\n');
}

export function attributesCommand(path: string, attrs: { mode?: string; owner?: string; group?: string }): string {
  const p = shellQuote(path);
  const parts = ['set -e'];
  if (attrs.owner || attrs.group) parts.push(`chown -- ${shellQuote(`${attrs.owner ?? ''}:${attrs.group ?? ''}`.replace(/:$/, ''))} ${p}`);
  if (attrs.mode) parts.push(`chmod -- ${shellQuote(attrs.mode)} ${p}`);
  return parts.join('; ');
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
  const dir = shellQuote(`${BACKUP_ROOT}/${runId}`);
  return [
    `d=${dir}; n=0`,
    `while IFS="$(printf '\\t')" read -r p existed meta; do`,
    '  n=$((n+1))',
    '  if [ "$existed" = 1 ]; then cmp -s -- "$d/files/$n" "$p" || echo "$p"; else [ ! -e "$p" ] || echo "$p"; fi',
    'done < "$d/manifest.tsv"',
  ].join('\n');
}
