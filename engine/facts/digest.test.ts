import { describe, expect, it } from 'vitest';
import { canonical, factsDigest } from './digest.js';
import { parseSnapshot, toSnapshot } from './snapshot.js';
import type { Facts } from './types.js';

const base = (): Facts => ({
  host: 'h',
  gatheredAt: '2026-01-01T00:00:00Z',
  os: { id: 'debian', versionId: '12' },
  kernel: '6.1',
  arch: 'amd64',
  platform: 'apt',
  packages: { a: { name: 'a', version: '1', arch: 'amd64', status: 'installed', source: 'a', sourceVersion: '1' } },
  held: [],
  files: {},
  settings: {},
  services: { 's.service': { state: 'enabled', active: 'active' } },
  sysctl: {},
  listening: [],
  rebootRequired: false,
  rebootPackages: [],
  uptimeSeconds: 5,
  unknown: [],
});

describe('factsDigest', () => {
  it('ignores time, uptime, sockets, active state and key order', () => {
    const a = base();
    const b = { ...base(), gatheredAt: '2027-01-01T00:00:00Z', uptimeSeconds: 99, listening: [{ proto: 'tcp' as const, address: '0.0.0.0', port: 22 }], services: { 's.service': { active: 'failed', state: 'enabled' } } };
    expect(factsDigest(a)).toBe(factsDigest(b));
    expect(factsDigest(a)).toMatch(/^[0-9a-f]{64}$/);
  });
  it('changes with anything a plan reads', () => {
    const a = base();
    expect(factsDigest({ ...a, packages: { ...a.packages, a: { ...a.packages!.a!, version: '2' } } })).not.toBe(factsDigest(a));
    expect(factsDigest({ ...a, services: { 's.service': { state: 'disabled', active: 'active' } } })).not.toBe(factsDigest(a));
    expect(factsDigest({ ...a, unknown: [{ fact: 'packages', reason: 'x' }] })).not.toBe(factsDigest(a));
  });
  it('canonical JSON sorts keys at every level', () => {
    expect(canonical({ b: 1, a: { d: [2, { y: 1, x: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"x":0,"y":1}]},"b":1}');
  });
});

describe('facts snapshot', () => {
  it('round-trips and refuses what plan could not use', () => {
    const snap = toSnapshot(new Map([['h', base()]]), new Map(), { gatheredAt: new Date('2026-01-01T00:00:00Z'), commit: 'a'.repeat(40) });
    expect(parseSnapshot(JSON.stringify(snap), 'f.json')).toEqual(snap);
    const code = (text: string) => {
      try {
        parseSnapshot(text, 'f.json');
      } catch (e) {
        return (e as { code: string }).code;
      }
      return 'ok';
    };
    expect(code('{')).toBe('E_FACTS_SNAPSHOT');
    expect(code(JSON.stringify({ ...snap, version: 1 }))).toBe('E_FACTS_SNAPSHOT');
    expect(code(JSON.stringify({ ...snap, hosts: 3 }))).toBe('E_FACTS_SNAPSHOT');
  });
  it('fails only the host whose facts do not hold up, naming it, and keeps the others', () => {
    const snap = toSnapshot(new Map([['h', base()]]), new Map(), { gatheredAt: new Date('2026-01-01T00:00:00Z') });
    const bad = (facts: unknown) => parseSnapshot(JSON.stringify({ ...snap, hosts: { h: base(), bad: facts } }), 'f.json');
    const spaced = { ...base(), host: 'bad', os: { id: 'debian', versionId: '12' }, packages: { a: { name: 'a', version: '1.0 evil', arch: 'all', status: 'installed', source: 'a', sourceVersion: '1.0' } } };
    for (const facts of [{ ...base(), host: 'other' }, { ...base(), host: 'bad', packages: 3 }, spaced, { ...base(), host: 'bad', settings: { '/x': { k: 1 } } }]) {
      const r = bad(facts);
      expect(Object.keys(r.hosts)).toEqual(['h']);
      expect(r.errors?.bad?.code).toBe('E_FACTS_INVALID');
    }
    expect(bad(spaced).errors!.bad!.message).toMatch(/version "1\.0 evil", which dpkg refuses/);
  });
});
