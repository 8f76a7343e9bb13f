import { PlumbError } from './base.js';

/**
 * Failures of version comparison. A version the scheme's own tool refuses (dpkg exits 2, rpm.vercmp raises) is
 * refused here too, with the tool's reason, instead of being given an order the tool would never give it.
 */

/** A version string the scheme cannot order at all (dpkg: "version string has embedded spaces", rpm: ""). */
export class InvalidVersion extends PlumbError {
  constructor(scheme: string, version: string, reason: string) {
    super('E_INVALID_VERSION', `${scheme} version '${version}' has bad syntax: ${reason}`, {
      hint: scheme === 'deb' ? 'Debian versions are [epoch:]upstream[-revision]; see deb-version(5)' : 'RPM versions are [epoch:]version[-release]',
      data: { scheme, version, reason },
    });
  }
}

/** No versioning plug-in has this id. */
export class UnknownScheme extends PlumbError {
  constructor(id: string, known: readonly string[]) {
    super('E_UNKNOWN_SCHEME', `unknown version scheme '${id}'`, {
      hint: `known schemes: ${known.join(', ')}`,
      data: { id, known: [...known] },
    });
  }
}

/** A version range does not follow the VersionRange syntax of common.schema.json. */
export class InvalidRange extends PlumbError {
  constructor(range: string) {
    super('E_INVALID_RANGE', `version range '${range}' is not valid`, {
      hint: "write comparators joined by spaces or commas, all of which must hold: '< 3.0.15-1~deb12u1', '>= 1.0, < 2.0', or '*'",
      data: { range },
    });
  }
}
