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

describe('sysctl: the running value and the boot-time configuration', () => {
  const req: Requirement = { type: 'sysctl', key: 'net.ipv4.conf.all.arp_filter', value: '1', origin, source };
  const withBoot = (now: string, lines: Array<{ file: string; value: string }> | undefined) =>
    ({ host: 'h', files: {}, settings: {}, services: {}, sysctl: { 'net.ipv4.conf.all.arp_filter': now }, sysctlBoot: lines && { 'net.ipv4.conf.all.arp_filter': lines }, packages: {}, unknown: [] }) as unknown as Facts;

  it('right now but set nowhere at boot: a sysctl-boot finding of its own', () => {
    const v = compareRequirement(req, withBoot('1', []));
    expect('finding' in v && [v.finding.kind, v.finding.actual, v.finding.message]).toEqual(['sysctl-boot', 'not set at boot', expect.stringMatching(/lost at reboot/)]);
  });

  it('a line anywhere that sets another value is a finding, naming the /etc files to rewrite; package files are left to a person', () => {
    const v = compareRequirement(req, withBoot('1', [{ file: '/etc/sysctl.d/10-a.conf', value: '0' }, { file: '/usr/lib/sysctl.d/50-x.conf', value: '0' }, { file: '/etc/sysctl.conf', value: '1' }]));
    expect('finding' in v && v.finding.paths).toEqual(['/etc/sysctl.d/10-a.conf']);
    expect('finding' in v && v.finding.unresolvable).toMatch(/\/usr\/lib\/sysctl\.d\/50-x\.conf belongs to a package/);
  });

  it('wrong now and at boot: two findings; right in both: nothing; facts made by hand without the boot configuration judge the running value', () => {
    const both = compareRequirement(req, withBoot('0', []));
    expect('findings' in both && both.findings.map((f) => f.kind)).toEqual(['sysctl', 'sysctl-boot']);
    expect(compareRequirement(req, withBoot('1', [{ file: '/etc/sysctl.d/99-plumbline.conf', value: '1' }]))).toEqual({ ok: true });
    expect(compareRequirement(req, withBoot('1', undefined))).toEqual({ ok: true });
  });
});

describe('kernel modules', () => {
  const req: Requirement = { type: 'kernel-module', name: 'rds', state: 'disabled', origin, source };
  const mods = (lines: string[] | undefined) => ({ host: 'h', files: {}, settings: {}, services: {}, sysctl: {}, kernelModules: lines && { rds: lines.map((line) => ({ file: '/etc/modprobe.d/x.conf', line })) }, packages: {}, unknown: [] }) as unknown as Facts;

  it('disabled only by an install line running /bin/false or /bin/true, as the SCAP check reads it', () => {
    expect(compareRequirement(req, mods(['install rds /bin/false']))).toEqual({ ok: true });
    expect(compareRequirement(req, mods(['  install rds /bin/true']))).toEqual({ ok: true });
    for (const lines of [[], ['blacklist rds'], ['install rds /bin/false # no'], ['install rdsx /bin/false']]) {
      const v = compareRequirement(req, mods(lines));
      expect('finding' in v && v.finding.kind, JSON.stringify(lines)).toBe('kernel-module');
    }
    expect(compareRequirement(req, mods(undefined))).toMatchObject({ unknown: expect.any(String) });
  });
});
