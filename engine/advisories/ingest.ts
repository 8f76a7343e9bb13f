import type { Problem } from '../model/problem.js';
import { getScheme } from '../versioning/index.js';
import { VERSION_RE } from './check.js';
import type { AdvisoryFormat, NormalizeContext } from './format.js';
import { detectFormat, FORMATS, formatById } from './formats.js';
import { DEFAULT_JSON_LIMITS, parseJson, type JsonLimits } from './json-text.js';
import type { Advisory } from './types.js';

/**
 * One input's bytes → normalized advisories and located problems. Pure: reading files and URLs and writing the
 * store happen around it (import.ts).
 */
export interface IngestResult {
  location: string;
  format?: AdvisoryFormat['id'];
  records: number;
  advisories: Advisory[];
  problems: Problem[];
}

export interface IngestOptions {
  /** Skip detection: the input is in this format. */
  format?: AdvisoryFormat['id'];
  limits?: JsonLimits;
  /** Import time (ISO 8601). */
  now: string;
}

/** Version order and validity from engine/versioning: the same order dpkg and rpm use. */
export const VERSIONS: Pick<NormalizeContext, 'compare' | 'isValidVersion'> = {
  compare: (scheme, a, b) => getScheme(scheme).compare(a, b),
  // dpkg and rpm compare versions they merely warn about; plumb keeps those, but never one with shell-special characters.
  isValidVersion: (scheme, v) => VERSION_RE.test(v) && getScheme(scheme).diagnose(v)?.severity !== 'error',
};

export function ingest(location: string, bytes: Uint8Array, opts: IngestOptions): IngestResult {
  const parsed = parseJson(location, bytes, opts.limits ?? DEFAULT_JSON_LIMITS);
  if (!parsed.ok) return { location, records: 0, advisories: [], problems: parsed.problems };
  const value = parsed.doc.value;
  const format = opts.format ? formatById(opts.format) : detectFormat(value);
  if (!format) {
    return {
      location,
      records: 0,
      advisories: [],
      problems: [
        {
          severity: 'error',
          code: 'unknown-format',
          message: 'not an advisory format plumb reads',
          hint: `expected ${FORMATS.map((f) => f.id).join(', ')} (\`plumb advisories import --help\` describes them); --format skips detection`,
          file: location,
          line: 1,
          col: 1,
          pointer: '',
        },
      ],
    };
  }
  const r = format.normalize(value, { location, now: opts.now, ...VERSIONS });
  const at = parsed.doc.locateAll(r.problems.map((p) => p.pointer));
  const problems: Problem[] = r.problems.map((p) => ({ ...p, file: location, ...at.get(p.pointer)! }));
  return { location, format: format.id, records: r.records, advisories: r.advisories, problems };
}
