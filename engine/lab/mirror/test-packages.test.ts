import { describe, expect, it } from 'vitest';
import { changelogUpTo, packagesDir, readSources } from './test-packages.js';

describe('lab test package sources', () => {
  it('has the packages and versions the lab promises (test/lab/packages)', () => {
    const sources = readSources(packagesDir());
    expect(Object.fromEntries(sources.map((s) => [s.name, s.versions]))).toEqual({
      'plumb-broken': ['1.0-1'],
      'plumb-conflict-a': ['1.0-1'],
      'plumb-conflict-b': ['1.0-1'],
      'plumb-demo-agent': ['1.0-1', '1.0-2'],
      telnetd: ['0.17+plumb1'],
    });
  });

  it('installs the changelog up to the version built, and names that version’s own CVEs', () => {
    const log = `p (1.0-2) x; urgency=high\n\n  * Fix CVE-2099-0001.\n\n -- a <a@b>  Mon, 02 Jun 2025 12:00:00 +0000\n\np (1.0-1) x; urgency=low\n\n  * Initial.\n\n -- a <a@b>  Thu, 01 May 2025 12:00:00 +0000\n`;
    expect(changelogUpTo(log, '1.0-1').text).toMatch(/^p \(1\.0-1\)/);
    expect(changelogUpTo(log, '1.0-1').text).not.toContain('1.0-2');
    expect(changelogUpTo(log, '1.0-2').own).toContain('CVE-2099-0001');
    expect(changelogUpTo(log, '9.9').text).toBe('');
  });
});
