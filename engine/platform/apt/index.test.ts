import { describe, expect, it } from 'vitest';
import { apt } from './index.js';

describe('apt: what a failed transaction says', () => {
  it('keeps the lines naming the failing package and its maintainer script, from stdout and stderr alike', () => {
    const log = [
      'Reading package lists...',
      'Setting up plumb-broken (1.0-1) ...',
      'debconf: delaying package configuration, since apt-utils is not installed',
      'dpkg: error processing package plumb-broken (--configure):',
      ' installed plumb-broken package post-installation script subprocess returned error exit status 1',
      'Errors were encountered while processing:',
      ' plumb-broken',
      'E: Sub-process /usr/bin/dpkg returned an error code (1)',
    ].join('\n');
    const lines = apt.explainFailure(log);
    expect(lines).toContain('dpkg: error processing package plumb-broken (--configure):');
    expect(lines).toContain('installed plumb-broken package post-installation script subprocess returned error exit status 1');
    expect(lines).toContain('plumb-broken');
    expect(lines.join('\n')).not.toMatch(/debconf|Reading/);
  });

  it('names a full disk and a held lock', () => {
    expect(apt.explainFailure('E: You don\'t have enough free space in /var/cache/apt/archives/.')).toHaveLength(1);
    expect(apt.explainFailure("dpkg: error processing archive /var/cache/apt/archives/x.deb (--unpack):\n cannot copy extracted data for './usr/share/doc/x' to '/usr/share/doc/x.dpkg-new': failed to write (No space left on device)")).toHaveLength(2);
  });

  it('waits for the lists lock as long as for dpkg locks, and repairs before the change', () => {
    const cmd = apt.transaction({ install: [{ name: 'openssl', version: '3.0.15' }], remove: [], repair: ['libssl3'] }, { lockWaitSeconds: 30 });
    expect(cmd).toContain('Dpkg::Lock::Timeout=30');
    expect(cmd).toMatch(/\/var\/lib\/apt\/lists\/lock/);
    expect(cmd.indexOf('dpkg --force-confdef --force-confold --configure -a')).toBeLessThan(cmd.search(/install '?openssl=3\.0\.15/));
    expect(cmd.indexOf('dpkg --force-confdef')).toBeGreaterThan(0);
    expect(apt.transaction({ install: [], remove: [] })).toBe('true');
  });

  it('tells a package dpkg left half done from an installed one when restoring', () => {
    const now = apt.parseVersions('libssl3\t3.0.15 (broken)\nx\t\n');
    expect(apt.restore({ libssl3: '3.0.11', x: null }, now)).toEqual({ install: [{ name: 'libssl3', version: '3.0.11' }], remove: [] });
    expect(apt.restore({ libssl3: null }, now)).toEqual({ install: [], remove: ['libssl3'] });
  });
});
