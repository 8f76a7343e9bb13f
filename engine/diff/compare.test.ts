import { describe, expect, it } from 'vitest';
import type { Facts } from '../facts/types.js';
import { clampMode, compareRequirement, withinMode } from './compare.js';
import type { Requirement } from './types.js';

// A fake is fine for the pure diff; the same rules on real hosts are proven in test/scap (against oscap).
const origin = { kind: 'baseline' as const, name: 'b' };
const source = { file: 'baselines/b.yaml', line: 1, col: 1, pointer: '/files/0', commit: null };
const facts = (file: Facts['files'][string]): Facts =>
  ({ host: 'h', files: { '/etc/passwd': file }, settings: {}, services: {}, sysctl: {}, packages: {}, unknown: [] }) as unknown as Facts;
const fileReq = (r: Partial<Extract<Requirement, { type: 'file' }>>): Requirement => ({ type: 'file', path: '/etc/passwd', origin, source, ...r });

describe('file requirements: every attribute that differs, and modes as an upper bound', () => {
  it('a wrong mode and a wrong owner are two findings, not the first one only', () => {
    const v = compareRequirement(fileReq({ mode: '0644', owner: 'root', group: 'root' }), facts({ exists: true, type: 'file', mode: '0666', owner: 'nobody', group: 'root' }));
    expect('findings' in v && v.findings.map((f) => [f.kind, f.expected, f.actual])).toEqual([
      ['file-mode', '0644', '0666'],
      ['file-owner', 'root:root', 'nobody:root'],
    ]);
  });

  it('max_mode accepts anything stricter and refuses any extra bit, set-id bits included', () => {
    const req = fileReq({ maxMode: '0640' });
    for (const ok of ['0640', '0600', '0440', '0400', '0000']) expect(compareRequirement(req, facts({ exists: true, type: 'file', mode: ok, owner: 'root', group: 'root' }))).toEqual({ ok: true });
    for (const bad of ['0644', '0660', '0700', '4640', '1640']) {
      const v = compareRequirement(req, facts({ exists: true, type: 'file', mode: bad, owner: 'root', group: 'root' }));
      expect('finding' in v && [v.finding.kind, v.finding.expected]).toEqual(['file-mode', '<= 0640']);
    }
  });

  it('withinMode and clampMode: the least change that satisfies the bound', () => {
    expect(withinMode('0600', '0640')).toBe(true);
    expect(withinMode('0604', '0640')).toBe(false);
    expect(clampMode('0666', '0640')).toBe('0640');
    expect(clampMode('0604', '0640')).toBe('0600');
    expect(clampMode('4755', '0755')).toBe('0755');
  });
});
