import type { Cvss, Severity } from './types.js';

/**
 * CVSS base scores from vectors (v2, v3.0, v3.1), so that a record that gives only a vector still gets a
 * severity. Formulas from the FIRST specifications (v3.1 §7.1 with Appendix A rounding, v3.0 §8.1, v2 §3.2.1).
 * v4.0 scores need the spec's lookup tables; a v4 vector without a score stays unscored.
 */

export type ParsedVector = { ok: true; version: Cvss['version']; metrics: Map<string, string> } | { ok: false; reason: string };

const V3_BASE: Record<string, string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['H', 'L', 'N'],
  I: ['H', 'L', 'N'],
  A: ['H', 'L', 'N'],
};
const V3_OTHER: Record<string, string[]> = {
  E: ['X', 'U', 'P', 'F', 'H'],
  RL: ['X', 'O', 'T', 'W', 'U'],
  RC: ['X', 'U', 'R', 'C'],
  CR: ['X', 'L', 'M', 'H'],
  IR: ['X', 'L', 'M', 'H'],
  AR: ['X', 'L', 'M', 'H'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'R'],
  MS: ['X', 'U', 'C'],
  MC: ['X', 'N', 'L', 'H'],
  MI: ['X', 'N', 'L', 'H'],
  MA: ['X', 'N', 'L', 'H'],
};
const V2_BASE: Record<string, string[]> = {
  AV: ['L', 'A', 'N'],
  AC: ['H', 'M', 'L'],
  Au: ['M', 'S', 'N'],
  C: ['N', 'P', 'C'],
  I: ['N', 'P', 'C'],
  A: ['N', 'P', 'C'],
};
const V2_OTHER: Record<string, string[]> = {
  E: ['U', 'POC', 'F', 'H', 'ND'],
  RL: ['OF', 'TF', 'W', 'U', 'ND'],
  RC: ['UC', 'UR', 'C', 'ND'],
  CDP: ['N', 'L', 'LM', 'MH', 'H', 'ND'],
  TD: ['N', 'L', 'M', 'H', 'ND'],
  CR: ['L', 'M', 'H', 'ND'],
  IR: ['L', 'M', 'H', 'ND'],
  AR: ['L', 'M', 'H', 'ND'],
};

/** Strict: every base metric exactly once, known values only, nothing unknown. */
export function parseVector(vector: string): ParsedVector {
  if (vector.length > 256) return { ok: false, reason: 'vector is too long' };
  let version: Cvss['version'];
  let body: string;
  let base: Record<string, string[]>;
  let other: Record<string, string[]>;
  const m = /^CVSS:(3\.0|3\.1|4\.0)\/(.*)$/.exec(vector);
  if (m) {
    version = m[1] as Cvss['version'];
    body = m[2]!;
    if (version === '4.0') return parseV4(body);
    base = V3_BASE;
    other = V3_OTHER;
  } else {
    version = '2.0';
    body = vector.replace(/^\(|\)$/g, '');
    base = V2_BASE;
    other = V2_OTHER;
  }
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const [k, v, extra] = part.split(':');
    if (k === undefined || v === undefined || extra !== undefined) return { ok: false, reason: `'${part}' is not METRIC:VALUE` };
    const allowed = base[k] ?? other[k];
    if (!allowed) return { ok: false, reason: `unknown metric '${k}'` };
    if (!allowed.includes(v)) return { ok: false, reason: `${k}:${v} is not one of ${allowed.join(', ')}` };
    if (metrics.has(k)) return { ok: false, reason: `metric '${k}' appears twice` };
    metrics.set(k, v);
  }
  const missing = Object.keys(base).filter((k) => !metrics.has(k));
  if (missing.length) return { ok: false, reason: `missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
  return { ok: true, version, metrics };
}

function parseV4(body: string): ParsedVector {
  const required = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    const [k, v, extra] = part.split(':');
    if (!k || !v || extra !== undefined || !/^[A-Z]{1,3}$/.test(k)) return { ok: false, reason: `'${part}' is not METRIC:VALUE` };
    if (metrics.has(k)) return { ok: false, reason: `metric '${k}' appears twice` };
    metrics.set(k, v);
  }
  const missing = required.filter((k) => !metrics.has(k));
  if (missing.length) return { ok: false, reason: `missing base metric${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` };
  return { ok: true, version: '4.0', metrics };
}

/** Base score of a v2 or v3.x vector; undefined for v4 or an invalid vector. */
export function baseScore(vector: string): number | undefined {
  const p = parseVector(vector);
  if (!p.ok) return undefined;
  if (p.version === '2.0') return v2Base(p.metrics);
  if (p.version === '3.0' || p.version === '3.1') return v3Base(p.metrics, p.version);
  return undefined;
}

function v3Base(m: Map<string, string>, version: '3.0' | '3.1'): number {
  const changed = m.get('S') === 'C';
  const cia = { H: 0.56, L: 0.22, N: 0 } as Record<string, number>;
  const iss = 1 - (1 - cia[m.get('C')!]!) * (1 - cia[m.get('I')!]!) * (1 - cia[m.get('A')!]!);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const av = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 }[m.get('AV')!]!;
  const ac = { L: 0.77, H: 0.44 }[m.get('AC')!]!;
  const pr = (changed ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 })[m.get('PR')!]!;
  const ui = { N: 0.85, R: 0.62 }[m.get('UI')!]!;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  const up = version === '3.1' ? roundUp31 : roundUp30;
  return changed ? up(Math.min(1.08 * (impact + exploitability), 10)) : up(Math.min(impact + exploitability, 10));
}

/** v3.1 Appendix A: round up to one decimal without floating-point surprises (e.g. 4.000000001 → 4.0). */
function roundUp31(x: number): number {
  const n = Math.round(x * 100000);
  return n % 10000 === 0 ? n / 100000 : (Math.floor(n / 10000) + 1) / 10;
}

function roundUp30(x: number): number {
  return Math.ceil(x * 10) / 10;
}

function v2Base(m: Map<string, string>): number {
  const cia = { N: 0, P: 0.275, C: 0.66 } as Record<string, number>;
  const impact = 10.41 * (1 - (1 - cia[m.get('C')!]!) * (1 - cia[m.get('I')!]!) * (1 - cia[m.get('A')!]!));
  const av = { L: 0.395, A: 0.646, N: 1 }[m.get('AV')!]!;
  const ac = { H: 0.35, M: 0.61, L: 0.71 }[m.get('AC')!]!;
  const au = { M: 0.45, S: 0.56, N: 0.704 }[m.get('Au')!]!;
  const exploitability = 20 * av * ac * au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

/** Qualitative rating bands: CVSS v3/v4 (none 0, low < 4, medium < 7, high < 9, critical) and NVD's v2 bands. */
export function severityOfScore(score: number, version: Cvss['version']): Severity {
  if (version === '2.0') return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
  if (score === 0) return 'negligible';
  return score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

/**
 * A Cvss entry from a vector and an optional given score. The given score wins (it is the publisher's
 * statement); when absent the score is computed. Returns a reason instead when the vector is malformed.
 */
export function cvssOf(vector: string, givenScore?: number, ids?: string[]): { ok: true; cvss: Cvss; mismatch?: number } | { ok: false; reason: string } {
  const p = parseVector(vector);
  if (!p.ok) return p;
  const computed = baseScore(vector);
  const cvss: Cvss = { version: p.version, vector };
  if (ids?.length) cvss.ids = ids;
  if (typeof givenScore === 'number') {
    cvss.score = givenScore;
    if (computed !== undefined && Math.abs(computed - givenScore) > 0.05) return { ok: true, cvss, mismatch: computed };
  } else if (computed !== undefined) {
    cvss.score = computed;
    cvss.computed = true;
  }
  return { ok: true, cvss };
}

/** Severity from the best available CVSS score: v3.x/v4 before v2, the highest among equals. */
export function severityOfCvss(list: readonly Cvss[] | undefined): Severity {
  if (!list?.length) return 'unknown';
  const scored = list.filter((c) => typeof c.score === 'number');
  const modern = scored.filter((c) => c.version !== '2.0');
  const pool = modern.length ? modern : scored;
  if (!pool.length) return 'unknown';
  const best = pool.reduce((a, b) => (b.score! > a.score! ? b : a));
  return severityOfScore(best.score!, best.version);
}
