import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PlumbError } from '../../engine/errors/base.js';
import { rpm } from '../../engine/versioning/rpm/index.js';
import { debianVersions, noise, pick, random, sample, which } from './corpus.js';
import { rpmOrder } from './tools.js';

/**
 * The proof of the rpm scheme: every pair asked of the real rpm (`rpm.vercmp` in one `rpm --eval` Lua run) and of
 * rpm.compare(). This machine has no RPM database, so the corpus is built: EVRs from real AlmaLinux and Red Hat
 * advisories, Fedora/RHEL-shaped EVRs, hand-written edge cases, random strings over rpm's alphabet, and real
 * Debian versions (rpm has to order those strings too, and they are full of ~ + . -).
 */

const RPM = which('rpm');
const SKIP = RPM ? '' : ' (SKIPPED: rpm is not on PATH; install it with apt-get install rpm)';
if (!RPM) console.warn('oracle/rpm: rpm not found on PATH, the rpm oracle test is skipped');

const SEED = Number(process.env.PLUMB_ORACLE_SEED ?? 20240611);
const DATA = fileURLToPath(new URL('../../../shared/data/advisories/', import.meta.url));

const EDGES = [
  '', '0', '00', '1', '01', '1.0', '1.0.0', '1.00', '1..0', '1_0', '1.0.', '.1.0', '1.0~', '1.0~~', '1.0~rc1', '1.0~rc2',
  '1.0~rc1^post', '1.0^', '1.0^^', '1.0^post1', '1.0^post1.1', '1.0.1', '1.0a', '1.0A', '1.0z', '1a', '1.a', 'a', 'A', 'a1',
  'abc', 'abd', 'ABC', '~', '~~', '^', '~^', '^~', '-', '-1', '1-', '1.0-', '1.0-1', '1.0-0', '1.0-1.1', '1.0-1-2',
  '1.0-1-10', ':', ':1', '1:', '0:', '0:1.0', '1:1.0', '1:1.0-1', '2:0.1', '00:1', '01:1', '1:2:3', 'a:1', '1a:1',
  '10:1', '9:1', `1${'0'.repeat(30)}`, `1${'0'.repeat(29)}1`, '18446744073709551616', '18446744073709551615',
  '2.20.0-3.el8_8', '2.20.0-3.el8', '1:0.17-65.el7_6', '1:0.17-64.el7', '1.0-1.el9', '1.0-1.el9_1',
  '5.14.0-362.8.1.el9_3', '5.14.0-362.18.1.el9_3', '3.0.7-25.el9_3', '1:3.0.7-24.el9', '2.9.13-6.el9_4', '2.9.13-6.el9',
  '6.0-14.20230902git.fc39', '6.0-14.fc39', '1.2.3-1.module+el8.5.0+12345+abcdef01', '1.2.3-1.module_el8.5.0+12345+abcdef01',
  ' 1', '1 ', '1 0', '1.0ä', 'ä', '1+2', '1%2', '1{2}',
];

/** Fedora/RHEL-shaped EVRs: [epoch:]maj.min[.patch][~pre|^post]-rel[.dist[_minor]]. */
function evr(rnd: () => number): string {
  const n = (max: number) => String(Math.floor(rnd() * max));
  let v = `${n(4)}.${n(12)}`;
  if (rnd() < 0.6) v += `.${n(30)}`;
  if (rnd() < 0.15) v += pick(rnd, ['~rc1', '~rc2', '~beta', '~~', '^20230101git1a2b3c', '^post1', 'a', 'p1', '.0']);
  let r = `${n(40)}`;
  if (rnd() < 0.3) r += `.${n(10)}`;
  r += pick(rnd, ['.el8', '.el8_8', '.el9', '.el9_3', '.el9_10', '.fc38', '.fc39', '.amzn2023', '.module+el8.5.0+123+abc', '', '.1.el7_9']);
  const e = rnd() < 0.2 ? `${n(3)}:` : '';
  return rnd() < 0.1 ? `${e}${v}` : `${e}${v}-${r}`;
}

const ALPHABET = ['0', '0', '1', '1', '2', '9', '10', 'a', 'b', 'Z', '~', '^', '.', '.', '-', '_', '+', ':'];

/** Two noise strings with a common prefix, where the walk's prefix skip must land on the same state. */
function sharing(rnd: () => number): [string, string] {
  const a = noise(rnd, ALPHABET);
  return [a, `${a.slice(0, Math.floor(rnd() * (a.length + 1)))}${noise(rnd, ALPHABET)}`];
}

function nearby(rnd: () => number, v: string): string {
  const edits: Array<(s: string) => string> = [
    (s) => `${s}~rc1`,
    (s) => `${s}^post1`,
    (s) => `${s}.1`,
    (s) => `${s}a`,
    (s) => `${s}_1`,
    (s) => `${s}-1`,
    (s) => (s.includes(':') ? s.replace(/^\d*:/, '') : `1:${s}`),
    (s) => s.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + 1)),
    (s) => s.replace(/\d+/, (d) => `00${d}`),
    (s) => s.replace(/\./, '^'),
    (s) => s.replace(/-[^-]*$/, ''),
    (s) => s.replace(/el(\d)/, 'el$1_1'),
  ];
  return pick(rnd, edits)(v);
}

/** EVRs from the real advisories in the shared reference data, when it is present on this machine. */
function advisoryEvrs(): string[] {
  const out: string[] = [];
  const alsa = `${DATA}osv/ALSA-2023-4520.json`;
  if (existsSync(alsa)) out.push(...[...readFileSync(alsa, 'utf8').matchAll(/"(?:fixed|introduced)": "([^"]+)"/g)].map((m) => m[1]!));
  const rhsa = `${DATA}csaf/rhsa-2022_0011.json`;
  if (existsSync(rhsa)) out.push(...[...readFileSync(rhsa, 'utf8').matchAll(/-(\d+:[^-\s"]+-[^\s"]+?)\.(?:x86_64|ppc64le|s390x|aarch64|src|noarch)\b/g)].map((m) => m[1]!));
  return [...new Set(out)];
}

describe('rpm order agrees with rpm.vercmp', () => {
  it.skipIf(!RPM)(`on tens of thousands of pairs${SKIP}`, async () => {
    const rnd = random(SEED);
    const advisories = advisoryEvrs();
    const debian = [...new Set([...debianVersions().byPackage.values()].flatMap((s) => [...s]))];
    const built = Array.from({ length: 3000 }, () => evr(rnd));
    const pool = [...EDGES.filter(Boolean), ...advisories, ...built, ...sample(rnd, debian, 2000)];

    const pairs: Array<readonly [string, string]> = [];
    for (let i = 0; i < EDGES.length; i++) for (let j = i; j < EDGES.length; j++) pairs.push([EDGES[i]!, EDGES[j]!]);
    for (const a of advisories) for (let k = 0; k < 20; k++) pairs.push([a, k % 2 ? nearby(rnd, a) : pick(rnd, pool)]);
    for (const v of sample(rnd, pool, 4000)) pairs.push([v, nearby(rnd, v)]);
    for (let k = 0; k < 6000; k++) pairs.push(k % 2 ? [noise(rnd, ALPHABET), noise(rnd, ALPHABET)] : sharing(rnd));
    for (let k = 0; k < 4000; k++) pairs.push([pick(rnd, pool), pick(rnd, pool)]);
    const sorted = sample(rnd, pool, 4000).sort(rpm.compare);
    for (let i = 0; i + 1 < sorted.length; i++) pairs.push([sorted[i + 1]!, sorted[i]!]);

    const started = Date.now();
    const want = await rpmOrder(pairs);
    const mismatches: string[] = [];
    pairs.forEach(([a, b], i) => {
      let got: string;
      try {
        got = String(rpm.compare(a, b));
      } catch (e) {
        got = e instanceof PlumbError && e.code === 'E_INVALID_VERSION' ? 'E' : `threw ${String(e)}`;
      }
      if (got !== want[i]) mismatches.push(`${JSON.stringify(a)} ${JSON.stringify(b)}: rpm ${want[i]}, rpm.compare ${got}`);
    });
    const refused = want.filter((w) => w === 'E').length;
    console.log(
      `oracle/rpm: ${pairs.length} pairs (${refused} refused by rpm), ${advisories.length} EVRs from advisories${advisories.length ? '' : ` (none: ${DATA} is absent)`}; rpm took ${Date.now() - started} ms; seed ${SEED}`,
    );
    expect(pairs.length).toBeGreaterThan(10000);
    expect(mismatches.slice(0, 25), `${mismatches.length} disagreements`).toEqual([]);
  });
});
