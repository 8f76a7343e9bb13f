import type { Facts } from '../facts/types.js';
import { platformMatches } from '../diff/applicability.js';
import type { Mirror } from '../prioritize/policy.js';
import type { VersionScheme } from '../versioning/index.js';

/**
 * What the internal mirror offers, read from its signed apt indexes (mirror-fetch.ts does the reading): every binary
 * package with its version and the source it was built from. Pure. Answers the two questions vulnerability
 * reports ask — is a fix for this source on the mirror, and which binary version carries it — without asking
 * any host: one index read serves the whole fleet.
 */

export interface MirrorBinary {
  package: string;
  version: string;
  arch: string;
  source: string;
  sourceVersion: string;
  suite: string;
}

export interface MirrorPackages {
  mirror: Mirror;
  /** Per suite: the Release's Date and how many binaries its indexes list. */
  suites: Array<{ suite: string; date?: string; packages: number }>;
  bySource: Map<string, MirrorBinary[]>;
}

/** deb822 stanzas of a Packages index → binaries. Unknown fields are ignored; a stanza without Package or Version is skipped. */
export function parsePackages(text: string, suite: string): MirrorBinary[] {
  const out: MirrorBinary[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    let pkg = '';
    let version = '';
    let arch = '';
    let source = '';
    for (const line of stanza.split('\n')) {
      if (line.startsWith(' ') || line.startsWith('\t')) continue;
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon);
      if (key === 'Package') pkg = line.slice(colon + 1).trim();
      else if (key === 'Version') version = line.slice(colon + 1).trim();
      else if (key === 'Architecture') arch = line.slice(colon + 1).trim();
      else if (key === 'Source') source = line.slice(colon + 1).trim();
    }
    if (!pkg || !version) continue;
    // `Source: name (version)` when the source version differs from the binary's (binNMUs, renamed binaries).
    const m = /^(\S+)(?:\s+\((\S+)\))?$/.exec(source);
    out.push({ package: pkg, version, arch, source: m?.[1] ?? pkg, sourceVersion: m?.[2] ?? version, suite });
  }
  return out;
}

export interface ReleaseFile {
  fields: Record<string, string>;
  /** Path relative to dists/<suite>/ → sha256 and size, from the SHA256 section. */
  sha256: Map<string, { hash: string; size: number }>;
}

/** A Release file's text (already verified: the clear-signed content of InRelease). */
export function parseRelease(text: string): ReleaseFile {
  const fields: Record<string, string> = {};
  const sha256 = new Map<string, { hash: string; size: number }>();
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\s/.test(line)) {
      if (section !== 'SHA256') continue;
      const [hash, size, path] = line.trim().split(/\s+/);
      if (hash && /^[0-9a-f]{64}$/.test(hash) && path && /^\d+$/.test(size ?? '')) sha256.set(path, { hash, size: Number(size) });
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    section = line.slice(0, colon);
    fields[section] = line.slice(colon + 1).trim();
  }
  return { fields, sha256 };
}

export function indexBinaries(mirror: Mirror, suites: MirrorPackages['suites'], binaries: Iterable<MirrorBinary>): MirrorPackages {
  const bySource = new Map<string, MirrorBinary[]>();
  for (const b of binaries) {
    const list = bySource.get(b.source);
    if (list) list.push(b);
    else bySource.set(b.source, [b]);
  }
  return { mirror, suites, bySource };
}

/** The mirror that serves a host: the first whose platform matches its OS. */
export function mirrorFor(mirrors: readonly MirrorPackages[], facts: Pick<Facts, 'os'>): MirrorPackages | undefined {
  return mirrors.find((m) => platformMatches(m.mirror.platform, facts as Facts));
}

export interface FixOnMirror {
  /** Every installed binary of the source has a build on the mirror whose source version reaches the fix. */
  available: boolean;
  /** Installed binary → the highest mirror version built from a source version at or above the fix (apt's candidate). */
  versions: Record<string, string>;
  /** Installed binaries with no such build on the mirror. */
  missing: string[];
}

/**
 * Whether the mirror carries the fix for these installed binaries of one source package. Compared by source
 * version, since advisories give the fixed source version and a binary may carry a binNMU suffix or its own epoch.
 */
export function fixOnMirror(m: MirrorPackages, source: string, fixed: string, binaries: readonly string[], scheme: VersionScheme, arch?: string | null): FixOnMirror {
  const built = m.bySource.get(source) ?? [];
  const versions: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of binaries) {
    let best: string | undefined;
    for (const b of built) {
      if (b.package !== name) continue;
      if (arch && b.arch !== arch && b.arch !== 'all') continue;
      if (scheme.compare(b.sourceVersion, fixed) < 0) continue;
      if (best === undefined || scheme.compare(b.version, best) > 0) best = b.version;
    }
    if (best === undefined) missing.push(name);
    else versions[name] = best;
  }
  return { available: binaries.length > 0 && missing.length === 0, versions, missing };
}
