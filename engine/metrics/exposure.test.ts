import { describe, expect, it } from 'vitest';
import type { HostEntry } from '../model/types.js';
import { allows, hostExposure } from './exposure.js';

const host = (over: Partial<HostEntry> = {}) => ({ name: 'h', address: '10.0.0.1', system: 's', baseline: 'b', ring: 'r', source: { file: 'x', line: 1, col: 1, pointer: '', commit: null }, ...over }) as HostEntry;
const sock = (port: number, address = '0.0.0.0', proto: 'tcp' | 'udp' = 'tcp') => ({ proto, address, port });
const settings = (perimeter = [] as Array<{ name?: string; tags?: string[]; hosts?: string[]; systems?: string[]; allow: string[] }>) => ({ perimeter, exposureTags: ['internet-facing'], serviceWeights: { '23/tcp': 5 } });

describe('exposure (counted with the perimeter)', () => {
  it('port specs', () => {
    expect(allows('443/tcp', 443, 'tcp')).toBe(true);
    expect(allows('443/tcp', 443, 'udp')).toBe(false);
    expect(allows('8000-8100/tcp', 8080, 'tcp')).toBe(true);
    expect(allows('8000-8100/tcp', 8101, 'tcp')).toBe(false);
  });

  it('loopback is not a network service; a port bound twice (v4, v6) is one service', () => {
    const e = hostExposure(host(), [sock(22), sock(22, '::'), sock(25, '127.0.0.1'), sock(631, '[::1]'), sock(53, '127.0.0.53', 'udp'), sock(23)], settings());
    expect(e.services!.map((s) => `${s.port}/${s.proto}:${s.weight}`)).toEqual(['22/tcp:1', '23/tcp:5']);
  });

  it('without rules: internet-facing hosts are exposed on every port, others on none', () => {
    expect(hostExposure(host({ tags: ['internet-facing'] }), [sock(22)], settings())).toMatchObject({ exposed: true, internetFacing: true });
    expect(hostExposure(host(), [sock(22)], settings())).toMatchObject({ exposed: false, internetFacing: false });
  });

  it('rules say what gets through; an internal host a rule forwards to is exposed on those ports', () => {
    const rules = [{ name: 'dmz', tags: ['internet-facing'], allow: ['443/tcp'] }, { name: 'nat-db', hosts: ['db'], allow: ['5432/tcp'] }];
    const web = hostExposure(host({ tags: ['internet-facing'] }), [sock(22), sock(443)], settings(rules));
    expect(web.services!.map((s) => [s.port, s.exposed])).toEqual([[22, false], [443, true]]);
    expect(web.rules).toEqual(['dmz']);
    expect(hostExposure(host({ name: 'db' }), [sock(5432)], settings(rules))).toMatchObject({ exposed: true, rules: ['nat-db'] });
    expect(hostExposure(host({ tags: ['internet-facing'] }), [sock(22)], settings([{ tags: ['internet-facing'], allow: [] }]))).toMatchObject({ exposed: false, rules: ['#1'] });
  });

  it('unknown sockets are never counted as safe', () => {
    expect(hostExposure(host({ tags: ['internet-facing'] }), null, settings())).toMatchObject({ services: null, exposed: true });
    expect(hostExposure(host(), null, settings())).toMatchObject({ services: null, exposed: false });
  });
});
