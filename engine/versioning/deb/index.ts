import { InvalidVersion } from '../../errors/versioning.js';
import type { VersionDiagnosis, VersionSchemePlugin } from '../types.js';

/**
 * Debian version order, exactly as dpkg 1.21 (lib/dpkg/version.c verrevcmp, lib/dpkg/parsehelp.c parseversion,
 * src/main/enquiry.c cmpversions). Proven against `dpkg --compare-versions` by test/oracle/deb.test.ts.
 *
 * compare() scans both strings in place, without substrings or arrays: advisories × hosts × packages makes this
 * the hottest loop of matching. A parsed version is left in the module-level `p*` registers below rather than
 * returned as an object, so that a comparison allocates nothing.
 */

const OK = 0;
const WARN = 1;
const ERROR = 2;
/** "" and "<unknown>": dpkg's blank version, which sorts before every real one. */
const BLANK = 3;

let pStr = '';
let pEpoch = 0;
let pUpStart = 0;
let pUpEnd = 0;
let pRevStart = 0;
let pRevEnd = 0;
let pMessage = '';

const INT_MAX = 2147483647;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** C isspace() in the C locale, which strtol() skips before an epoch. */
const isCSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

function fail(message: string): number {
  pMessage = message;
  return ERROR;
}

/**
 * parseversion(): `warn` also runs the lax-mode checks, which only decide validity (dpkg still compares). Non-ASCII
 * input is re-read as its UTF-8 bytes, because dpkg orders bytes and a byte above 127 has its own weight.
 */
function parse(v: string, warn: boolean, bytes = false): number {
  const n = v.length;
  if (n === 0 || v === '<unknown>') return BLANK;
  let i = 0;
  let c = 0;
  while (i < n && ((c = v.charCodeAt(i)) === 32 || c === 9)) i++;
  if (i === n) return fail('version string is empty');
  const start = i;
  let colon = -1;
  let hyphen = -1;
  let high = false;
  for (; i < n; i++) {
    c = v.charCodeAt(i);
    if (c === 32 || c === 9) break;
    if (c === 58) {
      if (colon < 0) colon = i;
    } else if (c === 45) hyphen = i;
    else if (c > 127) high = true;
    else if (c === 0) return fail('version string contains a NUL character');
  }
  const end = i;
  for (; i < n; i++) {
    c = v.charCodeAt(i);
    if (c !== 32 && c !== 9) return fail(c === 0 ? 'version string contains a NUL character' : 'version string has embedded spaces');
  }
  if (high && !bytes) return parse(Buffer.from(v, 'utf8').toString('latin1'), warn, true);

  let epoch = 0;
  let vStart = start;
  if (colon >= 0) {
    // strtol(): optional white space and sign, then decimal digits; dpkg insists it ends exactly at the colon.
    let j = start;
    while (j < colon && isCSpace(v.charCodeAt(j))) j++;
    let negative = false;
    c = v.charCodeAt(j);
    if (j < colon && (c === 43 || c === 45)) {
      negative = c === 45;
      j++;
    }
    const digits = j;
    let value = 0;
    while (j < colon && isDigit((c = v.charCodeAt(j)))) {
      if (value <= INT_MAX) value = value * 10 + (c - 48);
      j++;
    }
    if (j === digits) return fail('epoch in version is empty');
    if (j !== colon) return fail('epoch in version is not number');
    if (negative && value > 0) return fail('epoch in version is negative');
    if (value > INT_MAX) return fail('epoch in version is too big');
    if (colon + 1 === n) return fail('nothing after colon in version number');
    epoch = value;
    vStart = colon + 1;
  }
  let upEnd = end;
  let revStart = end;
  if (hyphen >= vStart) {
    upEnd = hyphen;
    revStart = hyphen + 1;
    if (revStart === end) return fail('revision number is empty');
  }
  if (upEnd === vStart) return fail('version number is empty');

  pStr = v;
  pEpoch = epoch;
  pUpStart = vStart;
  pUpEnd = upEnd;
  pRevStart = revStart;
  pRevEnd = end;
  if (!warn) return OK;

  if (!isDigit(v.charCodeAt(vStart))) return warning('version number does not start with digit');
  for (let k = vStart + 1; k < upEnd; k++) {
    c = v.charCodeAt(k);
    // . - + ~ :
    if (!isDigit(c) && !isAlpha(c) && c !== 46 && c !== 45 && c !== 43 && c !== 126 && c !== 58) return warning('invalid character in version number');
  }
  for (let k = revStart; k < end; k++) {
    c = v.charCodeAt(k);
    if (!isDigit(c) && !isAlpha(c) && c !== 46 && c !== 43 && c !== 126) return warning('invalid character in revision number');
  }
  return OK;
}

function warning(message: string): number {
  pMessage = message;
  return WARN;
}

/** dpkg's order(): digits weigh 0, letters their ASCII code, `~` sorts before everything, anything else after letters. */
function order(c: number): number {
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1;
  // A byte above 127 is a negative `char` in dpkg, so c + 256 brings it back to its own value: between letters and symbols.
  return c > 127 ? c : c + 256;
}

/** verrevcmp() over a[ai, ae) and b[bi, be): non-digit runs by order(), digit runs by numeric value of any length. */
function verrevcmp(a: string, ai: number, ae: number, b: string, bi: number, be: number): number {
  // Neighbouring versions share most of their text. Up to the last non-digit of the common prefix both walks are
  // in the same state (inside a non-digit run, everything before equal), so the walk can start there.
  const max = Math.min(ae - ai, be - bi);
  let k = 0;
  let cut = 0;
  for (; k < max; k++) {
    const x = a.charCodeAt(ai + k);
    if (x !== b.charCodeAt(bi + k)) break;
    if (x < 48 || x > 57) cut = k + 1;
  }
  if (k === ae - ai && k === be - bi) return 0;
  ai += cut;
  bi += cut;
  while (ai < ae || bi < be) {
    let firstDiff = 0;
    for (;;) {
      const ca = ai < ae ? a.charCodeAt(ai) : 0;
      const cb = bi < be ? b.charCodeAt(bi) : 0;
      if (!((ca !== 0 && !isDigit(ca)) || (cb !== 0 && !isDigit(cb)))) break;
      const ac = ca === 0 ? 0 : order(ca);
      const bc = cb === 0 ? 0 : order(cb);
      if (ac !== bc) return ac < bc ? -1 : 1;
      ai++;
      bi++;
    }
    while (ai < ae && a.charCodeAt(ai) === 48) ai++;
    while (bi < be && b.charCodeAt(bi) === 48) bi++;
    let ca = 0;
    let cb = 0;
    while (ai < ae && bi < be && isDigit((ca = a.charCodeAt(ai))) && isDigit((cb = b.charCodeAt(bi)))) {
      if (firstDiff === 0) firstDiff = ca - cb;
      ai++;
      bi++;
    }
    if (ai < ae && isDigit(a.charCodeAt(ai))) return 1;
    if (bi < be && isDigit(b.charCodeAt(bi))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

function compare(a: string, b: string): number {
  const sa = parse(a, false);
  if (sa === ERROR) throw new InvalidVersion('deb', a, pMessage);
  if (a === b) return 0;
  const aStr = pStr;
  const aEpoch = pEpoch;
  const aUpStart = pUpStart;
  const aUpEnd = pUpEnd;
  const aRevStart = pRevStart;
  const aRevEnd = pRevEnd;
  const sb = parse(b, false);
  if (sb === ERROR) throw new InvalidVersion('deb', b, pMessage);
  if (sa === BLANK) return sb === BLANK ? 0 : -1;
  if (sb === BLANK) return 1;
  if (aEpoch !== pEpoch) return aEpoch < pEpoch ? -1 : 1;
  return verrevcmp(aStr, aUpStart, aUpEnd, pStr, pUpStart, pUpEnd) || verrevcmp(aStr, aRevStart, aRevEnd, pStr, pRevStart, pRevEnd);
}

function diagnose(v: string): VersionDiagnosis | null {
  const status = parse(v, true);
  if (status === OK) return null;
  if (status === BLANK) return { severity: 'warning', message: "an empty version (or '<unknown>') means no version: it sorts before every version" };
  return { severity: status === ERROR ? 'error' : 'warning', message: pMessage };
}

export const deb: VersionSchemePlugin = {
  id: 'deb',
  compare,
  isValid: (v: string) => parse(v, true) === OK,
  diagnose,
};
