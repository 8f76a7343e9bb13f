/** A package platform: how to change packages on a host, as shell commands the transport runs. */
export interface PackagePlatform {
  readonly id: 'apt';
  /** os-release IDs (and ID_LIKE values) this platform serves. */
  readonly osIds: readonly string[];
  /**
   * One non-interactive transaction: refresh the package lists from the configured (internal, signed) source, then
   * install the given versions and remove the given packages together, keeping existing config files. With `repair`,
   * first finish what an interrupted run of the package manager left half done. Locks the package manager holds for
   * another process (apt-daily, an administrator) are waited for up to `lockWaitSeconds`, then the transaction fails.
   */
  transaction(change: PackageChange, opts?: TransactionOptions): string;
  /** Prints `name<TAB>version-or-empty` for each package, one per line, installed or not. */
  queryVersions(names: readonly string[]): string;
  /** Parses queryVersions' output. */
  parseVersions(output: string): Record<string, string | null>;
  /** The change that returns packages from `now` to `before` (null: not installed). */
  restore(before: Record<string, string | null>, now: Record<string, string | null>): PackageChange;
  /**
   * From a failed transaction's output (stdout and stderr together), the lines that say what failed: the package,
   * its maintainer script, the package manager's own errors. Empty when none is recognised.
   */
  explainFailure(output: string): string[];
}

export interface PackageChange {
  install: Array<{ name: string; version?: string; file?: string }>;
  remove: string[];
  /** Packages left in a broken state, repaired before the change. */
  repair?: string[];
}

export interface TransactionOptions {
  /** How long to wait for a lock held by another package-manager process (default 120). */
  lockWaitSeconds?: number;
}
