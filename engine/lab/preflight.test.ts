import { describe, expect, it } from 'vitest';
import { findOnPath, missingTools } from './preflight.js';

describe('preflight', () => {
  it('finds tools on a given PATH only', () => {
    expect(findOnPath('sh', '/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findOnPath('sh', '/nonexistent')).toBeNull();
    expect(findOnPath('sh', '')).toBeNull();
  });

  it('names every missing tool with the package that ships it', () => {
    const missing = missingTools('up', { path: '/nonexistent' });
    expect(missing).toEqual(
      expect.arrayContaining([
        { tool: 'ip', pkg: 'iproute2' },
        { tool: 'ssh-keygen', pkg: 'openssh-client' },
        { tool: 'nsenter', pkg: 'util-linux' },
      ]),
    );
    expect(missing.some((m) => m.tool === 'debootstrap')).toBe(false);
    expect(missingTools('up', { path: '/nonexistent', needsImage: true }).some((m) => m.tool === 'debootstrap')).toBe(true);
    expect(missingTools('status', { path: '/nonexistent' })).toEqual([]);
  });
});
