import { shellQuote } from '../../transport/shell.js';
import type { PackageChange, PackagePlatform, TransactionOptions } from '../types.js';

export const DEFAULT_LOCK_WAIT_SECONDS = 120;

// Non-interactive and conservative: keep the admin's config files (confold), take the maintainer's only for files
// nobody touched (confdef), never pull recommends the plan did not show, and wait for a held dpkg lock instead of failing.
const apt = (lockWait: number) =>
  [
    'apt-get',
    '-q',
    '-y',
    '-o', 'Dpkg::Options::=--force-confdef',
    '-o', 'Dpkg::Options::=--force-confold',
    '-o', `Dpkg::Lock::Timeout=${lockWait}`,
    '-o', 'APT::Get::allow-downgrades=true',
    '--no-install-recommends',
  ].join(' ');
const ENV = 'export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l APT_LISTCHANGES_FRONTEND=none;';

/**
 * `apt-get update` fails at once when another process holds /var/lib/apt/lists/lock (apt-daily's update does, for
 * minutes): Dpkg::Lock::Timeout covers only dpkg's locks. So it is retried each second while that lock is the
 * reason, up to the same bound as dpkg's locks.
 */
const updateWaitingForLists = (lockWait: number) =>
  `plumb_update() { n=0; while :; do out=$(apt-get -q -o Dpkg::Lock::Timeout=${lockWait} update 2>&1); rc=$?; printf '%s\\n' "$out"; [ "$rc" -eq 0 ] && return 0; case "$out" in *"/var/lib/apt/lists/lock"*) ;; *) return "$rc";; esac; n=$((n + 1)); if [ "$n" -ge ${lockWait} ]; then echo "E: gave up after ${lockWait} s waiting for /var/lib/apt/lists/lock held by another process"; return "$rc"; fi; sleep 1; done; }`;

/** What dpkg and apt say when something fails: the package and its maintainer script, the archive, apt's errors. */
const FAILURE_LINE = /^(dpkg: error|dpkg: dependency problems|dpkg: warning: .*(?:subprocess|script)|E: |Errors were encountered|.*(?:pre|post)-(?:installation|removal) script subprocess returned error exit status|.*subprocess .* returned error exit status|.*No space left on device|.*You don't have enough free space|.*Could not get lock|.*unable to (?:create|install|write|make|open|remove))/;

export const aptPlatform: PackagePlatform = {
  id: 'apt',
  osIds: ['debian', 'ubuntu', 'raspbian', 'devuan', 'linuxmint', 'pop', 'kali'],

  transaction(change: PackageChange, opts: TransactionOptions = {}): string {
    const wait = Math.max(0, Math.floor(opts.lockWaitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS));
    const args = [
      ...change.install.map((p) => (p.file ? shellQuote(p.file) : shellQuote(p.version ? `${p.name}=${p.version}` : p.name))),
      // `name-` in an install removes it in the same transaction, so apt resolves both together.
      ...change.remove.map((n) => shellQuote(`${n}-`)),
    ];
    const repair = change.repair?.length ? `dpkg --force-confdef --force-confold --configure -a && ${apt(wait)} -f install && ` : '';
    if (!args.length && !repair) return 'true';
    const install = args.length ? `${apt(wait)} install ${args.join(' ')}` : 'true';
    return `${ENV} ${updateWaitingForLists(wait)}; ${repair}plumb_update && ${install}`;
  },

  queryVersions(names: readonly string[]): string {
    // dpkg-query exits 1 for unknown names; each name is asked for separately so one unknown does not hide the rest.
    // A package dpkg left half done is not installed, but it is there: "<version> (broken)", which no restore target
    // equals, so a restore reinstalls the version before or removes it.
    return `for p in ${names.map(shellQuote).join(' ')}; do v=$(dpkg-query -W -f='\${db:Status-Abbrev} \${Version}' "$p" 2>/dev/null); case "$v" in [a-z]i" "*) printf '%s\\t%s\\n' "$p" "\${v#* }";; [a-z][HUFWt]*) printf '%s\\t%s (broken)\\n' "$p" "\${v#* }";; *) printf '%s\\t\\n' "$p";; esac; done`;
  },

  parseVersions(output: string): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const line of output.split('\n')) {
      if (!line) continue;
      const [name, version] = line.split('\t');
      if (name) out[name] = version ? version.trim() : null;
    }
    return out;
  },

  restore(before, now): PackageChange {
    const change: PackageChange = { install: [], remove: [] };
    for (const [name, was] of Object.entries(before)) {
      const is = now[name] ?? null;
      if (was === is) continue;
      if (was === null) change.remove.push(name);
      else change.install.push({ name, version: was });
    }
    return change;
  },

  explainFailure(output: string): string[] {
    const lines = output.split('\n').map((l) => l.replace(/\s+$/, ''));
    const picked: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (!l.trim()) continue;
      if (/^Errors were encountered/.test(l)) {
        picked.push(l);
        // The list of failed packages follows, one per indented line.
        while (i + 1 < lines.length && /^ +\S+$/.test(lines[i + 1]!)) picked.push(lines[++i]!);
        continue;
      }
      if (FAILURE_LINE.test(l)) picked.push(l);
    }
    // Each line once, at most 12: enough to name the package, the script and the cause.
    return [...new Set(picked.map((l) => l.trim()))].slice(-12);
  },
};

export { aptPlatform as apt };
