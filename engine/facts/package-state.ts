import type { InstalledPackage } from './types.js';

/**
 * The one rule for "installed": dpkg's status is installed. A package left half-installed, unpacked,
 * half-configured or with triggers awaiting or pending (what `dpkg --audit` lists: a dpkg run was cut short) is not
 * installed, whatever files it has: it is a finding of its own (diff: package-broken), repaired with
 * `dpkg --configure -a` and the transaction again.
 */
export const BROKEN_STATES: ReadonlySet<string> = new Set(['half-installed', 'unpacked', 'half-configured', 'triggers-awaiting', 'triggers-pending']);

export function isInstalled(p: Pick<InstalledPackage, 'status'> | undefined | null): boolean {
  return p?.status === 'installed';
}

export function isBroken(p: Pick<InstalledPackage, 'status'> | undefined | null): boolean {
  return Boolean(p && BROKEN_STATES.has(p.status));
}

/** The installed version, or null when the package is not installed (absent, config files only, or in a broken state). */
export function installedVersion(p: Pick<InstalledPackage, 'status' | 'version'> | undefined | null): string | null {
  return isInstalled(p) ? p!.version : null;
}
