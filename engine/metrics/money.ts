import type { Money } from './types.js';

/**
 * Exact money arithmetic: amounts from YAML are decimals, and a purchase price divided by an expected life is a
 * fraction (10,000 / 3). Rationals over bigint keep every step exact; only the display rounds.
 */
export interface Rational {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

function make(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

export const ZERO: Rational = { n: 0n, d: 1n };

/** The decimal a YAML number was written as (its shortest round-trip form), exactly: 1999.99 → 199999/100. */
export function rational(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite amount: ${x}`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(x));
  if (!m) throw new RangeError(`not a decimal amount: ${x}`);
  const frac = m[3] ?? '';
  let n = BigInt(`${m[2]}${frac}`);
  let d = 10n ** BigInt(frac.length);
  const exp = Number(m[4] ?? 0);
  if (exp > 0) n *= 10n ** BigInt(exp);
  else if (exp < 0) d *= 10n ** BigInt(-exp);
  return make(m[1] ? -n : n, d);
}

export const add = (a: Rational, b: Rational): Rational => make(a.n * b.d + b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => make(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => make(a.n * b.d, a.d * b.n);
export const sum = (list: Rational[]): Rational => list.reduce(add, ZERO);

/** Rounds to a whole number of `unit`s (1 = whole currency units, 100 = cents), half away from zero. */
function roundTo(r: Rational, unit: bigint): bigint {
  const scaled = r.n * unit;
  const neg = scaled < 0n;
  const abs = neg ? -scaled : scaled;
  const q = (2n * abs + r.d) / (2n * r.d);
  return neg ? -q : q;
}

function grouped(n: bigint): string {
  const s = (n < 0n ? -n : n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0n ? `-${s}` : s;
}

export function money(r: Rational): Money {
  const cents = roundTo(r, 100n);
  return { exact: r.d === 1n ? r.n.toString() : `${r.n}/${r.d}`, value: Number(cents) / 100, display: grouped(roundTo(r, 1n)) };
}
