import { InvalidVersion } from '../../errors/versioning.js';
import type { VersionDiagnosis, VersionSchemePlugin } from '../types.js';

/**
 * RPM version order, exactly as rpm 4.18's `rpm.vercmp(a, b)`: rpmverParse() splits [epoch:]version[-release]
 * (rpmio/rpmver.c parseEVR), rpmverCmp() compares epoch, version, release with rpmvercmp() (rpmio/rpmvercmp.c).
 * Proven against the real rpm by test/oracle/rpm.test.ts.
 *
 * Like the deb plug-in, compare() walks index ranges of the original strings and allocates nothing.
 */

const ZERO = '0';

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number) => isDigit(c) || isAlpha(c);
const TILDE = 126;
const CARET = 94;

/** rpmvercmp() over a[ai, ae) and b[bi, be). */
function rpmvercmp(a: string, ai: number, ae: number, b: string, bi: number, be: number): number {
  // Neighbouring versions share most of their text. Just after the last non-alphanumeric character (separator, ~
  // or ^) of the common prefix both walks are in the same state with everything before equal: start there.
  const max = Math.min(ae - ai, be - bi);
  let k = 0;
  let cut = 0;
  for (; k < max; k++) {
    const x = a.charCodeAt(ai + k);
    if (x !== b.charCodeAt(bi + k)) break;
    if (!isAlnum(x)) cut = k + 1;
  }
  if (k === ae - ai && k === be - bi) return 0;
  ai += cut;
  bi += cut;
  while (ai < ae || bi < be) {
    // Everything but letters, digits, ~ and ^ only separates segments (non-ASCII included: rpm's ctype is ASCII).
    let ca = 0;
    let cb = 0;
    while (ai < ae && !isAlnum((ca = a.charCodeAt(ai))) && ca !== TILDE && ca !== CARET) ai++;
    while (bi < be && !isAlnum((cb = b.charCodeAt(bi))) && cb !== TILDE && cb !== CARET) bi++;
    if (ai >= ae) ca = 0;
    if (bi >= be) cb = 0;

    // ~ sorts before everything, even the end of the string.
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      ai++;
      bi++;
      continue;
    }
    // ^ sorts after everything except the end of the string: 1.0 < 1.0^post < 1.0.1.
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      ai++;
      bi++;
      continue;
    }
    if (ca === 0 || cb === 0) break;

    let sa = ai;
    let sb = bi;
    const numeric = isDigit(ca);
    if (numeric) {
      while (sa < ae && isDigit(a.charCodeAt(sa))) sa++;
      while (sb < be && isDigit(b.charCodeAt(sb))) sb++;
    } else {
      while (sa < ae && isAlpha(a.charCodeAt(sa))) sa++;
      while (sb < be && isAlpha(b.charCodeAt(sb))) sb++;
    }
    // A numeric segment is newer than an alphabetic one.
    if (sb === bi) return numeric ? 1 : -1;

    if (numeric) {
      // Leading zeros do not count, then the longer number wins: digit runs of any length, never overflowing.
      while (ai < sa && a.charCodeAt(ai) === 48) ai++;
      while (bi < sb && b.charCodeAt(bi) === 48) bi++;
      const la = sa - ai;
      const lb = sb - bi;
      if (la !== lb) return la > lb ? 1 : -1;
    }
    // strcmp() of the two segments.
    while (ai < sa && bi < sb) {
      const x = a.charCodeAt(ai);
      const y = b.charCodeAt(bi);
      if (x !== y) return x < y ? -1 : 1;
      ai++;
      bi++;
    }
    if (ai < sa) return 1;
    if (bi < sb) return -1;
  }
  if (ai >= ae && bi >= be) return 0;
  return ai >= ae ? -1 : 1;
}

let pEpochStr = '';
let pEpochStart = 0;
let pEpochEnd = 0;
let pVerStart = 0;
let pVerEnd = 0;
/** -1 when there is no release (no '-'): rpm then ranks it below any release, even an empty one. */
let pRelStart = -1;

function parse(v: string): string | null {
  const n = v.length;
  if (n === 0) return 'invalid version (rpm refuses an empty string)';
  if (v.includes('\0')) return 'version string contains a NUL character';
  let s = 0;
  while (s < n && isDigit(v.charCodeAt(s))) s++;
  // The digits before s contain no '-', so the last '-' of the string is rpm's strrchr(s, '-').
  const hyphen = v.lastIndexOf('-');
  if (s < n && v.charCodeAt(s) === 58) {
    if (s === 0) {
      pEpochStr = ZERO;
      pEpochStart = 0;
      pEpochEnd = 1;
    } else {
      pEpochStr = v;
      pEpochStart = 0;
      pEpochEnd = s;
    }
    pVerStart = s + 1;
  } else {
    pEpochStr = ZERO;
    pEpochStart = 0;
    pEpochEnd = 1;
    pVerStart = 0;
  }
  pVerEnd = hyphen < 0 ? n : hyphen;
  pRelStart = hyphen < 0 ? -1 : hyphen + 1;
  return null;
}

function compare(a: string, b: string): number {
  let reason = parse(a);
  if (reason !== null) throw new InvalidVersion('rpm', a, reason);
  if (a === b) return 0;
  const aEpochStr = pEpochStr;
  const aEpochStart = pEpochStart;
  const aEpochEnd = pEpochEnd;
  const aVerStart = pVerStart;
  const aVerEnd = pVerEnd;
  const aRelStart = pRelStart;
  reason = parse(b);
  if (reason !== null) throw new InvalidVersion('rpm', b, reason);
  const rc =
    rpmvercmp(aEpochStr, aEpochStart, aEpochEnd, pEpochStr, pEpochStart, pEpochEnd) ||
    rpmvercmp(a, aVerStart, aVerEnd, b, pVerStart, pVerEnd);
  if (rc !== 0) return rc;
  if (aRelStart < 0) return pRelStart < 0 ? 0 : -1;
  if (pRelStart < 0) return 1;
  return rpmvercmp(a, aRelStart, a.length, b, pRelStart, b.length);
}

/** What rpmbuild accepts for Epoch (an unsigned 32-bit number), Version and Release (ALLOWED_CHARS_VERREL). */
const EVR = /^(?:(\d{1,10}):)?[A-Za-z0-9._+%{}~^]+(?:-[A-Za-z0-9._+%{}~^]+)?$/;

function diagnose(v: string): VersionDiagnosis | null {
  const reason = parse(v);
  if (reason !== null) return { severity: 'error', message: reason };
  const m = EVR.exec(v);
  if (m && (m[1] === undefined || Number(m[1]) <= 4294967295)) return null;
  return {
    severity: 'warning',
    message: 'not an epoch:version-release rpmbuild would produce (numeric epoch, at most one -, only letters, digits and ._+%{}~^); rpm compares it anyway',
  };
}

export const rpm: VersionSchemePlugin = {
  id: 'rpm',
  compare,
  isValid: (v: string) => diagnose(v) === null,
  diagnose,
};
