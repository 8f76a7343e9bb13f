/**
 * `npm run bench:version`: compares per second for each scheme, next to a floor measured in the same run on the
 * same pairs (JavaScript's own string `<`, which knows nothing of versions). The ratio is what to watch: it does
 * not move with the machine.
 *
 * The pairs are mostly neighbours (same package, nearby versions), the expensive case for a version walk: the
 * common prefix must be crossed before the difference shows.
 */
import { SCHEMES, type VersionScheme } from './index.js';

function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const n = (max: number) => Math.floor(next() * max);
  return { next, n };
}

function debVersions(count: number): string[] {
  const { next, n } = generator(1);
  return Array.from({ length: count }, () => {
    const epoch = next() < 0.1 ? `${n(3)}:` : '';
    const upstream = `${n(10)}.${n(40)}${next() < 0.6 ? `.${n(20)}` : ''}${next() < 0.2 ? ['+dfsg', '~rc1', 'p1', '+really1.0'][n(4)] : ''}`;
    const revision = next() < 0.9 ? `-${n(12)}${['', '+deb12u1', '+deb12u3', '~deb12u1', '+b1', 'ubuntu0.22.04.1'][n(6)]}` : '';
    return `${epoch}${upstream}${revision}`;
  });
}

function rpmVersions(count: number): string[] {
  const { next, n } = generator(2);
  return Array.from({ length: count }, () => {
    const epoch = next() < 0.2 ? `${n(3)}:` : '';
    return `${epoch}${n(6)}.${n(20)}.${n(30)}-${n(400)}.${n(20)}.${n(3)}.el${8 + n(2)}_${n(10)}`;
  });
}

/** Neighbours: a version and a small edit of it, the comparisons a matcher really makes. */
function pairsOf(versions: string[]): Array<[string, string]> {
  const { n } = generator(3);
  return versions.map((v, i) => {
    if (i % 4 === 0) return [v, versions[n(versions.length)]!];
    const bumped = v.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + n(2)));
    // Fresh string objects, as from parsed facts: no identity shortcut.
    return [v.split('').join(''), bumped];
  });
}

function rate(pairs: Array<[string, string]>, compare: (a: string, b: string) => number, rounds: number): { perSecond: number; check: number } {
  let best = Infinity;
  let check = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let rep = 0; rep < 10; rep++) for (let i = 0; i < pairs.length; i++) check += compare(pairs[i]![0], pairs[i]![1]);
    best = Math.min(best, performance.now() - t0);
  }
  return { perSecond: (pairs.length * 10) / (best / 1000), check };
}

const floor = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const fmt = (x: number) => `${(x / 1e6).toFixed(2)} M/s`;

const CORPUS: Record<VersionScheme['id'], Array<[string, string]>> = { deb: pairsOf(debVersions(50_000)), rpm: pairsOf(rpmVersions(50_000)) };

console.log(`node ${process.version}, ${CORPUS.deb.length} pairs per scheme, best of 7 rounds of 10 passes`);
for (const scheme of SCHEMES) {
  const pairs = CORPUS[scheme.id];
  rate(pairs, floor, 2);
  rate(pairs, scheme.compare, 2);
  const base = rate(pairs, floor, 7);
  const ours = rate(pairs, scheme.compare, 7);
  const heapBefore = process.memoryUsage().heapUsed;
  rate(pairs, scheme.compare, 1);
  const heapGrowth = (process.memoryUsage().heapUsed - heapBefore) / (pairs.length * 10);
  console.log(
    `${scheme.id}: ${fmt(ours.perSecond)} compares   floor (string <): ${fmt(base.perSecond)}   ratio ${(ours.perSecond / base.perSecond).toFixed(2)}   heap growth ${heapGrowth.toFixed(2)} B/compare   (checksum ${ours.check})`,
  );
}
