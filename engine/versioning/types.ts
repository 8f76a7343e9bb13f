/** The contract every version scheme honours; others code against exactly this. */
export interface VersionScheme {
  readonly id: 'deb' | 'rpm';
  /**
   * Negative when a sorts before b, 0 when the scheme's tool calls them equal, positive otherwise (always -1, 0
   * or 1). Throws InvalidVersion (E_INVALID_VERSION) for a string the tool refuses to compare at all.
   */
  compare(a: string, b: string): number;
  /** True when the string is a well-formed version of this scheme (the tool neither errors nor warns). */
  isValid(v: string): boolean;
}

/** Why a version is not valid, in the tool's own words. */
export interface VersionDiagnosis {
  /** error: the tool refuses it and compare() throws; warning: the tool complains but compares it anyway. */
  severity: 'error' | 'warning';
  message: string;
}

/** What a plug-in folder exports: the contract plus the detail the CLI and contract test need. */
export interface VersionSchemePlugin extends VersionScheme {
  /** null for a valid version; otherwise how the scheme's tool treats it. */
  diagnose(v: string): VersionDiagnosis | null;
}
