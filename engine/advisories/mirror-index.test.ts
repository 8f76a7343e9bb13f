import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../prioritize/policy.js';
import { deb } from '../versioning/deb/index.js';
import { fixOnMirror, indexBinaries, mirrorFor, parsePackages, parseRelease } from './mirror-index.js';

// A Packages index as apt-ftparchive and dak write it: multi-line fields, a binNMU (source version in parentheses),
// a renamed binary, a package whose Source is its own name, and an image version kept beside the fix.
const PACKAGES = `Package: libssl3
Architecture: amd64
Version: 3.0.20-1~deb12u2
Multi-Arch: same
Source: openssl
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL and
 TLS cryptographic protocols.

Package: libssl3
Architecture: amd64
Version: 3.0.22-1~deb12u2
Source: openssl
Filename: pool/main/libssl3_3.0.22-1~deb12u2_amd64.deb

Package: openssl
Architecture: amd64
Version: 3.0.22-1~deb12u2
Filename: pool/main/openssl_3.0.22-1~deb12u2_amd64.deb

Package: libfoo1
Architecture: amd64
Version: 2.1-3+b1
Source: foo (2.1-3)

Package: foo-data
Architecture: all
Version: 1:2.1-3
Source: foo (2.1-3)

Package: broken
Description: no version: skipped
`;

const mirror = resolvePolicy({ mirrors: [{ url: 'http://mirror.example.org/debian', suites: ['bookworm-security'], platform: { os: 'debian', versions: '>= 12, < 13' }, keyring: 'inventory/keys/m.gpg' }] }).mirrors[0]!;
const index = indexBinaries(mirror, [{ suite: 'bookworm-security', packages: 5 }], parsePackages(PACKAGES, 'bookworm-security'));

describe('mirror indexes', () => {
  it('reads binaries with their source and source version from a Packages index', () => {
    const list = parsePackages(PACKAGES, 'bookworm-security');
    expect(list.map((b) => [b.package, b.version, b.arch, b.source, b.sourceVersion])).toEqual([
      ['libssl3', '3.0.20-1~deb12u2', 'amd64', 'openssl', '3.0.20-1~deb12u2'],
      ['libssl3', '3.0.22-1~deb12u2', 'amd64', 'openssl', '3.0.22-1~deb12u2'],
      ['openssl', '3.0.22-1~deb12u2', 'amd64', 'openssl', '3.0.22-1~deb12u2'],
      ['libfoo1', '2.1-3+b1', 'amd64', 'foo', '2.1-3'],
      ['foo-data', '1:2.1-3', 'all', 'foo', '2.1-3'],
    ]);
    expect(mirror.url).toBe('http://mirror.example.org/debian/');
    expect(mirror).toMatchObject({ components: ['main'], architectures: ['amd64'] });
  });

  it('reads the SHA256 table and the fields of a Release file', () => {
    const r = parseRelease(`Origin: Debian
Suite: bookworm-security
Codename: bookworm-security
Valid-Until: Wed, 02 Dec 2026 21:13:21 UTC
MD5Sum:
 0d32e8fe66cb940b3f1cb52443435a64            32137 main/binary-amd64/Packages
SHA256:
 17facb08a47bfb54dbae4dd39eea2176effc47a3873c98c5dad7c0741a45699d            32137 main/binary-amd64/Packages
 fe284818a452c9c7ae1eb505f7e2da5d1d70293135f578879784ba62d7d25a6a             9480 main/binary-amd64/Packages.gz
 not-a-hash 12 main/x
`);
    expect(r.fields).toMatchObject({ Suite: 'bookworm-security', 'Valid-Until': 'Wed, 02 Dec 2026 21:13:21 UTC' });
    expect([...r.sha256.entries()]).toEqual([
      ['main/binary-amd64/Packages', { hash: '17facb08a47bfb54dbae4dd39eea2176effc47a3873c98c5dad7c0741a45699d', size: 32137 }],
      ['main/binary-amd64/Packages.gz', { hash: 'fe284818a452c9c7ae1eb505f7e2da5d1d70293135f578879784ba62d7d25a6a', size: 9480 }],
    ]);
  });

  it("finds the fix by source version and gives apt's candidate build per installed binary", () => {
    expect(fixOnMirror(index, 'openssl', '3.0.22-1~deb12u2', ['libssl3', 'openssl'], deb)).toEqual({ available: true, versions: { libssl3: '3.0.22-1~deb12u2', openssl: '3.0.22-1~deb12u2' }, missing: [] });
    // A binNMU and an epoch of the binary's own do not hide a fix made at the source version.
    expect(fixOnMirror(index, 'foo', '2.1-3', ['libfoo1', 'foo-data'], deb, 'amd64')).toEqual({ available: true, versions: { libfoo1: '2.1-3+b1', 'foo-data': '1:2.1-3' }, missing: [] });
    // A fix the mirror does not carry yet, and a binary it does not build.
    expect(fixOnMirror(index, 'openssl', '3.0.23-1~deb12u1', ['libssl3'], deb)).toEqual({ available: false, versions: {}, missing: ['libssl3'] });
    expect(fixOnMirror(index, 'openssl', '3.0.22-1~deb12u2', ['libssl3', 'libssl-dev'], deb)).toMatchObject({ available: false, missing: ['libssl-dev'] });
    expect(fixOnMirror(index, 'openssl', '3.0.22-1~deb12u2', ['libssl3'], deb, 'arm64').available).toBe(false);
  });

  it('serves the hosts whose OS its platform names', () => {
    expect(mirrorFor([index], { os: { id: 'debian', versionId: '12' } })).toBe(index);
    expect(mirrorFor([index], { os: { id: 'debian', versionId: '11' } })).toBeUndefined();
    expect(mirrorFor([index], { os: null })).toBeUndefined();
  });
});
