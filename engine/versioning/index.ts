import { UnknownScheme } from '../errors/versioning.js';
import { deb } from './deb/index.js';
import { rpm } from './rpm/index.js';
import type { VersionSchemePlugin } from './types.js';

export type { VersionDiagnosis, VersionScheme, VersionSchemePlugin } from './types.js';
export { type Comparator, holds, parseRange, satisfies } from './range.js';
export { compareOsVersion, satisfiesOsVersion, schemeForOs } from './os.js';

/**
 * Every version scheme, registered by hand: one folder per scheme (index.ts, index.test.ts, README.md), and
 * contract.test.ts fails when a folder is missing from this list or a scheme breaks the contract.
 */
export const SCHEMES: readonly VersionSchemePlugin[] = [deb, rpm];

/** The scheme with this id; throws UnknownScheme (E_UNKNOWN_SCHEME) listing the known ones. */
export function getScheme(id: string): VersionSchemePlugin {
  const scheme = SCHEMES.find((s) => s.id === id);
  if (!scheme) throw new UnknownScheme(id, SCHEMES.map((s) => s.id));
  return scheme;
}
