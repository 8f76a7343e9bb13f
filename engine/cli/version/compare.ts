import { PlumbError } from '../../errors/base.js';
import type { VersionDiagnosis, VersionSchemePlugin } from '../../versioning/index.js';

/** One input line's answer; `order` is null when the line could not be compared (it is then an error). */
export interface PairResult {
  line: number;
  a: string;
  b: string;
  order: '<' | '=' | '>' | null;
  problems: VersionDiagnosis[];
}

/** How the scheme's tool words a complaint about a version: dpkg's "version 'x' has bad syntax: reason". */
function complaint(scheme: VersionSchemePlugin, v: string, d: VersionDiagnosis): VersionDiagnosis {
  // dpkg takes these silently as "no version"; say so rather than call them bad syntax.
  if (scheme.id === 'deb' && (v === '' || v === '<unknown>')) return { severity: 'warning', message: `version '${v}' is dpkg's blank version, which sorts before every version` };
  return { severity: d.severity, message: `version '${v}' has bad syntax: ${d.message}` };
}

/** Compares one pair, collecting the scheme's warnings; an error (the tool refuses) leaves order null. */
export function comparePair(scheme: VersionSchemePlugin, a: string, b: string, line = 0): PairResult {
  const problems: VersionDiagnosis[] = [];
  for (const v of a === b ? [a] : [a, b]) {
    const d = scheme.diagnose(v);
    if (d) problems.push(complaint(scheme, v, d));
  }
  if (problems.some((p) => p.severity === 'error')) return { line, a, b, order: null, problems };
  let order: PairResult['order'] = null;
  try {
    const c = scheme.compare(a, b);
    order = c < 0 ? '<' : c > 0 ? '>' : '=';
  } catch (e) {
    // diagnose() and compare() agree (contract.test.ts); this only guards that promise.
    if (!(e instanceof PlumbError)) throw e;
    problems.push({ severity: 'error', message: e.message });
  }
  return { line, a, b, order, problems };
}

/**
 * One line of `A B` input: null for blank lines and # comments, else the pair's result. A line without exactly two
 * fields is an error result naming what was found.
 */
export function compareLine(scheme: VersionSchemePlugin, text: string, line: number): PairResult | null {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 2) {
    const found = fields.length === 1 ? 'only one version' : `${fields.length} fields`;
    return { line, a: fields[0] ?? '', b: fields[1] ?? '', order: null, problems: [{ severity: 'error', message: `expected two versions 'A B' separated by blanks, found ${found}` }] };
  }
  return comparePair(scheme, fields[0]!, fields[1]!, line);
}
