import { describe, expect, it } from 'vitest';
import type { Facts } from '../facts/types.js';
import { observe, settle, widenRequest, type Intended } from './settle.js';

const facts = (over: Partial<Facts> = {}): Facts => ({
  host: 'h',
  gatheredAt: '2026-11-25T10:00:00Z',
  os: { id: 'debian', versionId: '12' },
  kernel: null,
  arch: 'amd64',
  platform: 'apt',
  packages: { openssl: { name: 'openssl', version: '3.0.15-1', arch: 'amd64', status: 'installed', source: 'openssl', sourceVersion: '3.0.15-1' } },
  held: [],
  files: { '/etc/issue.net': { exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', sha256: 'a'.repeat(64) } },
  settings: { '/etc/ssh/sshd_config': { PermitRootLogin: 'no' } },
  services: { 'rsync.service': { state: 'disabled', active: 'unknown' } },
  sysctl: { 'net.ipv4.ip_forward': '0' },
  listening: [],
  rebootRequired: false,
  rebootPackages: [],
  uptimeSeconds: 1,
  unknown: [],
  ...over,
});
const at = '2026-11-25T10:00:00Z';
const pkg: Intended = { id: 'h#1', type: 'package-install', params: { name: 'openssl', version: '3.0.15-1' }, findingKind: 'package-vulnerable', before: '3.0.11-1', after: '>= 3.0.15-1' };

describe('observing an action on re-gathered facts', () => {
  it('tells the intended state, the state before and anything else apart, by dpkg version order', () => {
    expect(observe(pkg, facts(), at).state).toBe('after');
    expect(observe(pkg, facts({ packages: { openssl: { ...facts().packages!.openssl!, version: '3.0.11-1' } } }), at).state).toBe('before');
    const broken = observe(pkg, facts({ packages: { openssl: { ...facts().packages!.openssl!, status: 'half-configured' } } }), at);
    expect(broken).toMatchObject({ state: 'other', value: '3.0.15-1 (half-configured)' });
  });

  it('observes files by hash, settings, sysctl and services, and says when a subject was not examined', () => {
    expect(observe({ id: 'h#2', type: 'file-write', params: { path: '/etc/issue.net', sha256: 'a'.repeat(64) }, findingKind: 'file-content', before: 'sha256:bbbbbbbbbbbb', after: 'sha256:aaaaaaaaaaaa' }, facts(), at).state).toBe('after');
    expect(observe({ id: 'h#3', type: 'file-write', params: { path: '/etc/issue.net', sha256: 'c'.repeat(64) }, findingKind: 'file-content', before: 'sha256:aaaaaaaaaaaa', after: 'sha256:cccccccccccc' }, facts(), at).state).toBe('before');
    expect(observe({ id: 'h#4', type: 'setting-set', params: { file: '/etc/ssh/sshd_config', key: 'PermitRootLogin', value: 'No', syntax: 'space' }, findingKind: 'setting', before: 'yes', after: 'No' }, facts(), at).state).toBe('after');
    expect(observe({ id: 'h#5', type: 'sysctl-set', params: { key: 'net.ipv4.ip_forward', value: '1' }, findingKind: 'sysctl', before: '0', after: '1' }, facts(), at).state).toBe('before');
    expect(observe({ id: 'h#6', type: 'service-disable', params: { unit: 'rsync.service' }, findingKind: 'service', before: 'enabled', after: 'disabled' }, facts(), at).state).toBe('after');
    expect(observe({ id: 'h#7', type: 'file-write', params: { path: '/etc/motd', sha256: 'a' }, findingKind: 'file-content', before: null, after: 'sha256:a' }, facts(), at)).toMatchObject({ state: 'unknown', why: expect.stringMatching(/not examined/) });
  });

  it('sums a host up: applied, restored or unchanged, partial naming the actions on the host, unknown with why', () => {
    const file: Intended = { id: 'h#2', type: 'file-write', params: { path: '/etc/issue.net', sha256: 'c'.repeat(64) }, findingKind: 'file-content', before: 'sha256:aaaaaaaaaaaa', after: 'sha256:cccccccccccc' };
    expect(settle([pkg], facts(), { at }).outcome.state).toBe('applied');
    expect(settle([file], facts(), { at, restoreTried: true }).outcome.state).toBe('restored');
    expect(settle([file], facts(), { at }).outcome.state).toBe('unchanged');
    expect(settle([pkg, file], facts(), { at }).outcome).toMatchObject({ state: 'partial', applied: ['h#1'] });
    expect(settle([pkg], undefined, { at, why: 'unreachable' }).outcome).toMatchObject({ state: 'unknown', reason: 'unreachable' });
  });

  it('widens a facts request to what earlier actions touched', () => {
    const r = widenRequest({ files: [], contents: [], services: [], sysctl: [], settings: [] }, [{ id: 'h#1', type: 'setting-set', params: { file: '/etc/x.conf', key: 'k', syntax: 'equals' }, findingKind: 'setting', before: null, after: 'v' }]);
    expect(r.settings).toEqual([{ file: '/etc/x.conf', syntax: 'equals', keys: ['k'] }]);
  });
});
