import { describe, expect, it } from 'vitest';
import { formatCidr, overlaps, parseCidr, pickSubnet, prefix24, routedPrefixes } from './subnet.js';

const c = (s: string) => parseCidr(s)!;

describe('subnets', () => {
  it('parses and formats IPv4 prefixes, normalising host bits', () => {
    expect(formatCidr(c('10.1.2.3/24'))).toBe('10.1.2.0/24');
    expect(formatCidr(c('255.255.255.255'))).toBe('255.255.255.255/32');
    expect(parseCidr('10.1.2.300/24')).toBeNull();
    expect(parseCidr('10.1.2.0/33')).toBeNull();
    expect(parseCidr('fd00::/64')).toBeNull();
    expect(prefix24(c('10.213.4.0/24'))).toBe('10.213.4');
  });

  it('detects overlap in both directions', () => {
    expect(overlaps(c('10.0.0.0/8'), c('10.213.4.0/24'))).toBe(true);
    expect(overlaps(c('10.213.4.0/24'), c('10.0.0.0/8'))).toBe(true);
    expect(overlaps(c('10.213.4.0/24'), c('10.213.5.0/24'))).toBe(false);
    expect(overlaps(c('192.0.2.0/24'), c('192.0.2.77/32'))).toBe(true);
  });

  it('picks the same /24 for the same name, different ones for different names', () => {
    const a = pickSubnet('default', []);
    expect(formatCidr(a)).toBe(formatCidr(pickSubnet('default', [])));
    expect(a.len).toBe(24);
    expect(formatCidr(a)).toMatch(/^10\.(2[0-5][0-9])\.\d+\.0\/24$/);
    expect(formatCidr(pickSubnet('test', []))).not.toBe(formatCidr(a));
  });

  it('skips subnets that are routed on the machine, but not because of the default route', () => {
    const first = pickSubnet('default', [c('0.0.0.0/0')]);
    expect(formatCidr(first)).toBe(formatCidr(pickSubnet('default', [])));
    const next = pickSubnet('default', [first]);
    expect(overlaps(next, first)).toBe(false);
    expect(overlaps(pickSubnet('default', [c('10.200.0.0/14')]), c('10.200.0.0/14'))).toBe(false);
  });

  it('takes a requested subnet only if it is a free /24', () => {
    expect(formatCidr(pickSubnet('x', [], '10.99.3.0/24'))).toBe('10.99.3.0/24');
    expect(() => pickSubnet('x', [c('10.99.0.0/16')], '10.99.3.0/24')).toThrowError(expect.objectContaining({ code: 'E_LAB_SUBNET' }));
    for (const bad of ['10.99.3.0/16', '10.99.3.1/24', 'ten']) expect(() => pickSubnet('x', [], bad)).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('reads routes and interface prefixes from ip -j output', () => {
    const routes = JSON.stringify([{ dst: 'default', gateway: '192.0.2.1' }, { dst: '192.0.2.0/24', dev: 'eth0' }, { dst: '10.250.3.1', dev: 'x' }]);
    const addrs = JSON.stringify([{ ifname: 'lo', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }, { family: 'inet6', local: '::1', prefixlen: 128 }] }]);
    expect(routedPrefixes(routes, addrs).map(formatCidr)).toEqual(['192.0.2.0/24', '10.250.3.1/32', '127.0.0.0/8']);
    expect(routedPrefixes('', '')).toEqual([]);
  });
});
