import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { baseScore, cvssOf, parseVector, severityOfCvss, severityOfScore } from './cvss.js';

const NVD = new URL('../../../shared/data/advisories/nvd/', import.meta.url);
const CSAF = new URL('../../../shared/data/advisories/csaf/', import.meta.url);

describe('CVSS base scores', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N', 5.9],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 7.5],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:H', 6.6],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:L/E:F/RL:O/RC:C', 6.1],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', 7.5],
    ['AV:N/AC:L/Au:N/C:C/I:C/A:C', 10],
    ['AV:N/AC:M/Au:N/C:N/I:P/A:N', 4.3],
    ['(AV:L/AC:L/Au:N/C:C/I:C/A:C)', 7.2],
  ])('%s → %d', (vector, score) => {
    expect(baseScore(vector)).toBe(score);
  });

  it.skipIf(!existsSync(NVD))('agrees with every score NVD publishes in ../shared/data/advisories/nvd', () => {
    let checked = 0;
    for (const f of readdirSync(NVD)) {
      const doc = JSON.parse(readFileSync(new URL(f, NVD), 'utf8')) as { vulnerabilities: Array<{ cve: { metrics: Record<string, Array<{ cvssData: { vectorString: string; baseScore: number } }>> } }> };
      for (const v of doc.vulnerabilities) {
        for (const list of Object.values(v.cve.metrics)) {
          for (const m of list) {
            if (!m.cvssData?.vectorString) continue;
            expect(baseScore(m.cvssData.vectorString), `${f} ${m.cvssData.vectorString}`).toBe(m.cvssData.baseScore);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(CSAF))('agrees with the scores in the CSAF samples', () => {
    const doc = JSON.parse(readFileSync(new URL('bsi-2022-0001.json', CSAF), 'utf8')) as { vulnerabilities: Array<{ scores: Array<{ cvss_v3: { vectorString: string; baseScore: number } }> }> };
    const s = doc.vulnerabilities[0]!.scores[0]!.cvss_v3;
    expect(baseScore(s.vectorString)).toBe(s.baseScore);
  });

  it('refuses malformed vectors with a reason', () => {
    expect(parseVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H')).toMatchObject({ ok: false, reason: 'missing base metric A' });
    expect(parseVector('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toMatchObject({ ok: false });
    expect(parseVector('CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toMatchObject({ ok: false, reason: "metric 'AV' appears twice" });
    expect(parseVector('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1')).toMatchObject({ ok: false, reason: "unknown metric 'ZZ'" });
    expect(parseVector('high')).toMatchObject({ ok: false });
    expect(baseScore('nonsense')).toBeUndefined();
  });

  it('keeps v4 vectors without inventing a score', () => {
    const v4 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N';
    expect(parseVector(v4)).toMatchObject({ ok: true, version: '4.0' });
    expect(baseScore(v4)).toBeUndefined();
    expect(cvssOf(v4, 9.3)).toMatchObject({ ok: true, cvss: { version: '4.0', score: 9.3 } });
  });

  it('a given score wins but a disagreeing one is reported', () => {
    expect(cvssOf('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8)).toEqual({ ok: true, cvss: { version: '3.1', vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8 } });
    expect(cvssOf('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 5)).toMatchObject({ ok: true, mismatch: 9.8, cvss: { score: 5 } });
    expect(cvssOf('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toMatchObject({ ok: true, cvss: { score: 9.8, computed: true } });
  });

  it('bands scores into severities (v3 bands; NVD v2 bands) and prefers v3 over v2', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map((s) => severityOfScore(s, '3.1'))).toEqual(['negligible', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
    expect([3.9, 4, 7, 10].map((s) => severityOfScore(s, '2.0'))).toEqual(['low', 'medium', 'high', 'high']);
    expect(severityOfCvss([{ version: '2.0', vector: 'x', score: 10 }, { version: '3.1', vector: 'y', score: 5 }])).toBe('medium');
    expect(severityOfCvss([])).toBe('unknown');
  });
});
