/** A package platform: how to change packages on a host, as shell commands the transport runs. */
export interface PackagePlatform {
  readonly id: 'apt';
  /** os-release IDs (and ID_LIKE values) this platform serves. */
  readonly osIds: readonly string[];
  /**
   * One non-interactive transaction: refresh the package lists from the configured (internal, signed) source, then
   * install the given versions and remove the given packages together, keeping existing config files.
   */
  transaction(change: PackageChange): string;
  /** Prints `name<TAB>version-or-empty` for each package, one per line, installed or not. */
  queryVersions(names: readonly string[]): string;
  /** Parses queryVersions' output. */
  parseVersions(output: string): Record<string, string | null>;
  /** The change that returns packages from `now` to `before` (null: not installed). */
  restore(before: Record<string, string | null>, now: Record<string, string | null>): PackageChange;
}

export interface PackageChange {
  install: Array<{ name: string; version?: string; file?: string }>;
  remove: string[];
}
