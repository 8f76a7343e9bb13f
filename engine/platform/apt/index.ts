import { shellQuote } from '../../transport/shell.js';
import type { PackageChange, PackagePlatform } from '../types.js';

// Non-interactive and conservative: keep the admin's config files (confold), take the maintainer's only for files
// nobody touched (confdef), never pull recommends the plan did not show, and wait for a held dpkg lock instead of failing.
const APT = [
  'apt-get',
  '-q',
  '-y',
  '-o', 'Dpkg::Options::=--force-confdef',
  '-o', 'Dpkg::Options::=--force-confold',
  '-o', 'Dpkg::Lock::Timeout=120',
  '-o', 'APT::Get::allow-downgrades=true',
  '--no-install-recommends',
].join(' ');
const ENV = 'export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l APT_LISTCHANGES_FRONTEND=none;';

export const apt: PackagePlatform = {
  id: 'apt',
  osIds: ['debian', 'ubuntu', 'raspbian', 'devuan', 'linuxmint', 'pop', 'kali'],

  transaction(change: PackageChange): string {
    const args = [
      ...change.install.map((p) => (p.file ? shellQuote(p.file) : shellQuote(p.version ? `${p.name}=${p.version}` : p.name))),
      // `name-` in an install removes it in the same transaction, so apt resolves both together.
      ...change.remove.map((n) => shellQuote(`${n}-`)),
    ];
    if (!args.length) return 'true';
    return `${ENV} apt-get -q update && ${APT} install ${args.join(' ')}`;
  },

  queryVersions(names: readonly string[]): string {
    // dpkg-query exits 1 for unknown names; each name is asked for separately so one unknown does not hide the rest.
    return `for p in ${names.map(shellQuote).join(' ')}; do v=$(dpkg-query -W -f='\${db:Status-Abbrev} \${Version}' "$p" 2>/dev/null); case "$v" in "ii "*|"hi "*|"iF "*|"iU "*|"iH "*|"iW "*|"iT "*) printf '%s\\t%s\\n' "$p" "\${v#* }";; *) printf '%s\\t\\n' "$p";; esac; done`;
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
};
