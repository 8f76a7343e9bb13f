import type { Advisory, AdvisorySource } from './types.js';
import type { SchemeName } from './ecosystem.js';

/**
 * The contract of an advisory format plug-in (osv/, csaf/, debian-tracker/). A plug-in is pure: parsed JSON in,
 * normalized advisories and problems out. Reading files and URLs, locating problems and storing are done around it.
 */
export interface AdvisoryFormat {
  readonly id: AdvisorySource;
  /** One line for `plumb advisories import --help`. */
  readonly description: string;
  /** Cheap structural sniff: does this parsed JSON look like this format? */
  detect(value: unknown): boolean;
  /**
   * Validates before normalizing. A malformed record yields problems (with JSON pointers into the input) and is
   * left out; the rest of the input is still normalized. Never throws on bad input.
   */
  normalize(value: unknown, ctx: NormalizeContext): NormalizeResult;
}

export interface NormalizeContext {
  /** File path or URL of the input, recorded as each advisory's origin. */
  location: string;
  /** Import time (ISO 8601): the `modified` of advisories from feeds without record dates. */
  now: string;
  /** Version order of a scheme; throws for a version the scheme refuses. */
  compare(scheme: SchemeName, a: string, b: string): number;
  /** Is this a well-formed version of the scheme? */
  isValidVersion(scheme: SchemeName, v: string): boolean;
}

/** A problem before it is located: the driver turns pointers into line and column in one pass over the text. */
export interface RawProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  hint?: string;
  pointer: string;
}

export interface NormalizeResult {
  advisories: Advisory[];
  problems: RawProblem[];
  /** Records seen (valid or not), for the import summary. */
  records: number;
}
