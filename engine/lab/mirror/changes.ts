/**
 * Reading what apt and Debian changelogs say, as plain values: which packages an upgrade would install,
 * and which CVEs a changelog names between two versions. No I/O here.
 */

export interface PlannedInstall {
  package: string;
  /** Installed version, absent for a package the upgrade pulls in new. */
  from?: string;
  to: string;
  /** Release strings apt names for the new version, e.g. ["Debian-Security:12/oldstable-security"]. */
  origins: string[];
  arch: string;
}

/** Parses the `Inst …` lines of `apt-get -s dist-upgrade` (or `install -s`). */
export function parseSimulation(text: string): PlannedInstall[] {
  const out: PlannedInstall[] = [];
  for (const line of text.split('\n')) {
    const m = /^Inst (\S+) (?:\[([^\]]+)\] )?\((\S+) (.*) \[([^\]]+)\]\)/.exec(line);
    if (!m) continue;
    out.push({ package: m[1]!, ...(m[2] ? { from: m[2] } : {}), to: m[3]!, origins: m[4]!.split(', ').map((s) => s.trim()), arch: m[5]! });
  }
  return out;
}

/** True when one of the origins is a security suite (…-security). */
export function fromSecurity(p: PlannedInstall): boolean {
  return p.origins.some((o) => /-security$/.test(o));
}

export interface ChangelogEntry {
  version: string;
  text: string;
}

/** Splits a Debian changelog into entries, newest first as written. */
export function parseChangelog(text: string): ChangelogEntry[] {
  const entries: ChangelogEntry[] = [];
  for (const line of text.split('\n')) {
    const head = /^[a-z0-9][a-z0-9+.-]* \(([^)\s]+)\) /.exec(line);
    if (head) entries.push({ version: head[1]!, text: `${line}\n` });
    else if (entries.length) entries[entries.length - 1]!.text += `${line}\n`;
  }
  return entries;
}

/**
 * CVE ids named in the entries newer than `after` and not newer than `upTo`: what an update fixes.
 * `compare` is the Debian version order (the deb versioning plug-in).
 */
export function cvesBetween(changelog: string, after: string, upTo: string, compare: (a: string, b: string) => number): string[] {
  const ids = new Set<string>();
  for (const e of parseChangelog(changelog)) {
    let newer: boolean;
    try {
      newer = compare(e.version, after) > 0 && compare(e.version, upTo) <= 0;
    } catch {
      continue;
    }
    if (!newer) continue;
    for (const m of e.text.matchAll(/CVE-\d{4}-\d{4,}/g)) ids.add(m[0]);
  }
  return [...ids].sort();
}
