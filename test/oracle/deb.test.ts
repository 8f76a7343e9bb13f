import { describe, expect, it } from 'vitest';
import { PlumbError } from '../../engine/errors/base.js';
import { deb } from '../../engine/versioning/deb/index.js';
import { debianVersions, mutate, noise, pick, random, sample, which } from './corpus.js';
import { dpkgOrder, dpkgValidate } from './tools.js';

/**
 * The proof of the deb scheme: thousands of real version strings from this machine's apt lists and dpkg status,
 * and hand-written edge cases, each pair asked of the real `dpkg --compare-versions` and of deb.compare().
 */

const DPKG = which('dpkg');
const SKIP = DPKG ? '' : ' (SKIPPED: dpkg is not on PATH; install it with apt-get install dpkg)';
if (!DPKG) console.warn(`oracle/deb: dpkg not found on PATH, the dpkg oracle tests are skipped`);

const SEED = Number(process.env.PLUMB_ORACLE_SEED ?? 20240611);

/** Epochs, ~ and ~~, +, ., long digit runs, missing revisions, hyphens in upstream, and what dpkg warns or errors on. */
const EDGES = [
  '0', '00', '0:0', '1', '1.0', '1.0.0', '1.00', '01.0', '1.0~', '1.0~~', '1.0~~a', '1.0~a', '1.0~rc1', '1.0~rc1-1',
  '1.0+', '1.0+b1', '1.0.', '1.0a', '1.0A', '1.0z', '1.0-0', '1.0-1', '1.0-1~', '1.0-1.1', '1.0-1+b1', '1.0-1~bpo12+1',
  '1:1.0', '1:1.0-1', '2:0.1', '0:1.0', '2147483647:0', '10:1', '1:2:3', '1:2:10', '1.0-1-2', '1.0-1-10', '1.2.3-a-b',
  '1.2.3-a', '9.2p1-2+deb12u3', '1:9.2p1-2+deb12u2', '3.0.15-1~deb12u1', '3.0.11-1~deb12u2', '2.36-9+deb12u4',
  '7.88.1-10+deb12u5', '1.0~rc1~git20230101', '1.0+really0.9', '1.0+dfsg', '1.0+dfsg1', '1.0+ds',
  `1.${'9'.repeat(40)}`, `1.${'9'.repeat(39)}8`, '1.000000000000000000000000000001', '1.1',
  '18446744073709551616', '18446744073709551615', '4294967296', '4294967295',
  'a', 'a1.0', '1_0', '1.0-a_b', '1.0ä', '1.0é', '1:a', ' 1.0', '1.0 ', '\t1.0', '+1:1', '-0:1', '\n1:2', '<unknown>', '',
  // dpkg refuses these (exit 2): compare() must throw for them.
  ' ', '1 0', ':1', 'a:1', '-1:1', '2147483648:1', '2:', '1.0-', '-1', '2:-1', '1.0-1:2', '99999999999999999999:1',
];

describe('deb order agrees with dpkg --compare-versions', () => {
  it.skipIf(!DPKG)(`on thousands of pairs of real and edge-case versions${SKIP}`, async () => {
    const rnd = random(SEED);
    const corpus = debianVersions();
    const all = [...new Set([...corpus.byPackage.values()].flatMap((s) => [...s]))];
    expect(all.length, `no versions found in ${corpus.source}`).toBeGreaterThan(100);

    const pairs: Array<readonly [string, string]> = [];
    // Versions of the same package: stable vs -updates vs -security vs installed are the comparisons that matter.
    const multi = [...corpus.byPackage.values()].filter((s) => s.size > 1).map((s) => [...s].slice(0, 5));
    for (const vs of sample(rnd, multi, 700)) for (let i = 0; i < vs.length; i++) for (let j = i + 1; j < vs.length; j++) pairs.push([vs[i]!, vs[j]!]);
    // Neighbours in our own sort order are where a subtle mistake would show.
    const sorted = sample(rnd, all, 3000).sort(deb.compare);
    for (let k = 0; k < 900; k++) {
      const i = Math.floor(rnd() * (sorted.length - 2));
      pairs.push([sorted[i]!, sorted[i + 1]!], [sorted[i + 2]!, sorted[i]!]);
    }
    for (const v of sample(rnd, all, 700)) pairs.push([v, mutate(rnd, v)]);
    for (let k = 0; k < 500; k++) pairs.push([all[Math.floor(rnd() * all.length)]!, all[Math.floor(rnd() * all.length)]!]);
    for (let i = 0; i < EDGES.length; i++) for (let j = i; j < EDGES.length; j += 1 + Math.floor(rnd() * 3)) pairs.push([EDGES[i]!, EDGES[j]!]);
    for (const e of EDGES) pairs.push([e, all[Math.floor(rnd() * all.length)]!]);
    // Random strings over dpkg's alphabet, half of them sharing a prefix: the parser's and the walk's corners.
    const alphabet = ['0', '0', '1', '9', '10', 'a', 'Z', '~', '~', '+', '.', '-', ':', '_'];
    for (let k = 0; k < 600; k++) {
      const a = `${pick(rnd, ['1', '0', '2:', ''])}${noise(rnd, alphabet)}`;
      pairs.push([a, k % 2 ? `${a.slice(0, Math.floor(rnd() * a.length))}${noise(rnd, alphabet)}` : `${pick(rnd, ['1', '0', '2:', ''])}${noise(rnd, alphabet)}`]);
    }

    const started = Date.now();
    const want = await dpkgOrder(pairs);
    const mismatches: string[] = [];
    pairs.forEach(([a, b], i) => {
      let got: string;
      try {
        const c = deb.compare(a, b);
        got = c < 0 ? '<' : c > 0 ? '>' : '=';
      } catch (e) {
        got = e instanceof PlumbError && e.code === 'E_INVALID_VERSION' ? 'E' : `threw ${String(e)}`;
      }
      if (got !== want[i]) mismatches.push(`${JSON.stringify(a)} ${JSON.stringify(b)}: dpkg ${want[i]}, deb.compare ${got}`);
    });
    const refused = want.filter((w) => w === 'E').length;
    console.log(`oracle/deb: ${pairs.length} pairs (${refused} refused by dpkg) from ${all.length} versions in ${corpus.source}; dpkg took ${Date.now() - started} ms; seed ${SEED}`);
    expect(pairs.length).toBeGreaterThan(3000);
    expect(mismatches.slice(0, 25), `${mismatches.length} disagreements`).toEqual([]);
  });

  it.skipIf(!DPKG)(`isValid() is dpkg --validate-version, and compare() refuses exactly what dpkg refuses${SKIP}`, async () => {
    const rnd = random(SEED + 1);
    const all = [...new Set([...debianVersions().byPackage.values()].flatMap((s) => [...s]))];
    const versions = [...EDGES, ...sample(rnd, all, 300)];
    const [valid, selfOrder] = await Promise.all([dpkgValidate(versions), dpkgOrder(versions.map((v) => [v, v] as const))]);
    const mismatches: string[] = [];
    versions.forEach((v, i) => {
      if (deb.isValid(v) !== (valid[i] === 0)) mismatches.push(`${JSON.stringify(v)}: dpkg --validate-version exit ${valid[i]}, isValid ${deb.isValid(v)}`);
      const d = deb.diagnose(v);
      // dpkg's validate-version errors where compare-versions takes the blank version: "" is the one such string.
      const refused = selfOrder[i] === 'E';
      if ((d?.severity === 'error') !== refused) mismatches.push(`${JSON.stringify(v)}: dpkg ${refused ? 'refuses' : 'compares'} it, diagnose says ${d?.severity ?? 'valid'}`);
    });
    expect(mismatches).toEqual([]);
  });
});
