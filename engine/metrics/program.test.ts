import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costMetrics } from './costs.js';
import { programFromSnapshot } from './program.js';

const enc = new TextEncoder();
const snap = (files: Record<string, string>) => ({ commit: null, files: Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) })) });
const year = { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-12-31T23:59:59Z') };

describe('program settings from the inventory', () => {
  it("reads the example organization's program.yaml: its software cost is SP 800-40's 15,833", () => {
    const text = readFileSync(new URL('../../inventory/program.yaml', import.meta.url), 'utf8');
    const r = programFromSnapshot(snap({ 'inventory/program.yaml': text }), { policy: undefined });
    expect(r.problems).toEqual([]);
    const software = costMetrics(r.settings.costs!, year).find((m) => m.id === 'software-cost')!;
    expect(software.amount).toEqual({ exact: '47500/3', value: 15833.33, display: '15,833' });
    const line = text.split('\n').findIndex((l) => l.includes('identification-time:')) + 1;
    expect(r.settings.targets['identification-time']).toEqual({ max: 86400, source: `inventory/program.yaml:${line}` });
    expect(r.settings.targets['patch-response-critical']).toMatchObject({ max: 172800, statistic: 'max' });
    expect(r.settings.targets['network-service-ratio']).toMatchObject({ max: 1, exposure: 'exposed' });
    expect(r.settings.perimeter).toEqual([{ name: 'dmz-firewall', tags: ['internet-facing'], allow: ['443/tcp'] }]);
    expect(r.settings.serviceWeights).toEqual({ '23/tcp': 5, '21/tcp': 3 });
    expect(r.settings.exposureTags).toEqual(['internet-facing']);
  });

  it("takes exposure tags from the policy; defaults without a program", () => {
    const r = programFromSnapshot(snap({ 'inventory/hosts.yaml': 'hosts: []\n' }), { policy: { exposure_tags: ['dmz'] } as never });
    expect(r.settings).toEqual({ targets: {}, perimeter: [], exposureTags: ['dmz'], serviceWeights: {} });
  });

  it('refuses a section declared twice, and reports invalid ones at their line', () => {
    const r = programFromSnapshot(snap({ 'inventory/a.yaml': 'targets:\n  software-cost: { max: 1 }\n', 'inventory/b.yaml': 'targets:\n  software-cost: { max: 2 }\nperimeter:\n  - { allow: [ssh] }\n' }));
    expect(r.problems.map((p) => [p.file, p.line, p.code])).toEqual([
      ['inventory/b.yaml', 1, 'duplicate-section'],
      ['inventory/b.yaml', 4, expect.any(String)],
    ]);
    expect(r.settings.targets['software-cost']).toMatchObject({ max: 1 });
    expect(r.settings.perimeter).toEqual([]);
  });
});
