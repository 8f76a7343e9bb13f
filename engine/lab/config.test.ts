import { describe, expect, it } from 'vitest';
import { assignRings, checkLabName, labNames, labRoots, labTag } from './config.js';

const roots = { stateRoot: '/var/lib/plumbline/lab', cacheRoot: '/var/cache/plumbline/lab' };

describe('lab names', () => {
  it('keeps every interface name within the kernel limit of 15 characters', () => {
    for (const name of ['default', 'test', 'a', 'test-2', 'a-very-long-lab-name-for-a-demo', 'abcdefghijklmnopqrstuvwxyz01234']) {
      const n = labNames(name, roots);
      expect(n.bridge.length).toBeLessThanOrEqual(15);
      expect(n.veth(200).length).toBeLessThanOrEqual(15);
    }
  });

  it('uses short names as they are and hashes long ones, without collisions between similar names', () => {
    expect(labTag('default')).toBe('default');
    expect(labTag('demo')).toBe('demo');
    expect(labTag('integration-a')).not.toBe(labTag('integration-b'));
    expect(labTag('integration-a')).toHaveLength(7);
  });

  it('derives host, namespace and link names from the lab name', () => {
    const d = labNames('default', roots);
    expect([d.hostName(1), d.netns(1), d.veth(1), d.bridge]).toEqual(['lab-1', 'plumb-default-1', 'plv-default-1', 'plb-default']);
    const t = labNames('test', roots);
    expect([t.hostName(2), t.netns(2), t.lockPath]).toEqual(['test-2', 'plumb-test-2', '/var/lib/plumbline/lab/test.lock']);
    expect(t.netnsPattern.test('plumb-test-12')).toBe(true);
    expect(t.netnsPattern.test('plumb-test-2-1')).toBe(false);
  });

  it('refuses names that are not short lower-case identifiers', () => {
    for (const bad of ['', 'Demo', '1lab', 'lab_1', 'lab-', 'a'.repeat(32), 'x;rm']) expect(() => checkLabName(bad), bad).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('refuses state and cache directories that overlayfs options cannot carry', () => {
    expect(() => labRoots({ stateDir: '/tmp/a,b' })).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => labRoots({ stateDir: 'relative' })).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => labRoots({ cacheDir: '/tmp/x:y' })).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(labRoots({ stateDir: '/srv/lab', cacheDir: '/srv/cache' })).toEqual({ stateRoot: '/srv/lab', cacheRoot: '/srv/cache' });
  });
});

describe('assignRings', () => {
  it('gives the first host to pilot and the rest to broad by default', () => {
    expect(assignRings('pilot=1,broad', 4)).toEqual(['pilot', 'broad', 'broad', 'broad']);
  });
  it('fills rings in order and lets the last take the rest', () => {
    expect(assignRings('pilot=1,early=2,broad', 5)).toEqual(['pilot', 'early', 'early', 'broad', 'broad']);
    expect(assignRings('pilot=2,broad', 1)).toEqual(['pilot']);
    expect(assignRings('all', 2)).toEqual(['all', 'all']);
  });
  it('puts hosts beyond the counted shares into the last ring', () => {
    expect(assignRings('pilot=1,early=1', 3)).toEqual(['pilot', 'early', 'early']);
  });
  it('refuses a ring without count that is not last, and malformed shares', () => {
    expect(() => assignRings('pilot,broad', 3)).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => assignRings('pi lot=1', 3)).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => assignRings('', 3)).toThrowError(expect.objectContaining({ code: 'E_USAGE' }));
  });
});
