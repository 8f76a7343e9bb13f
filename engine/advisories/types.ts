/**
 * The normalized advisory: what every importer (osv/, csaf/, debian-tracker/) turns its format into, what the
 * store under advisories/ keeps, and what the matcher reads. The formats differ; this shape does not.
 */

export type AdvisorySource = 'osv' | 'csaf' | 'debian-tracker';

/** Qualitative severity. `unknown` when the source gives neither a rating nor a CVSS score. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'negligible' | 'unknown';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'];

/** Higher is worse; `unknown` ranks with medium-minus, so it is never silently the least urgent. */
export function severityRank(s: Severity): number {
  return { critical: 5, high: 4, medium: 3, unknown: 2.5, low: 2, negligible: 1 }[s];
}

export function maxSeverity(list: Iterable<Severity>): Severity {
  let best: Severity = 'unknown';
  let seen = false;
  for (const s of list) {
    if (s === 'unknown') continue;
    if (!seen || severityRank(s) > severityRank(best)) best = s;
    seen = true;
  }
  return best;
}

export interface Cvss {
  version: '2.0' | '3.0' | '3.1' | '4.0';
  vector: string;
  /** Base score: as given by the source, or computed from the vector (v2, v3.x) when the source gave none. */
  score?: number;
  /** True when `score` was computed by plumb from the vector. */
  computed?: boolean;
  /** The vulnerability ids (CVE …) this score belongs to, when the advisory covers several. */
  ids?: string[];
}

/** A distribution release, e.g. { os: 'debian', release: '12' }. `os` is the os-release ID hosts report. */
export interface Ecosystem {
  os: string;
  release: string;
  /** A sub-channel that needs a subscription or a special repository: 'pro', 'esm-infra', 'aus', 'eus' … */
  variant?: string;
  /** The ecosystem as the source spelled it: 'Debian:12', 'Ubuntu:Pro:16.04:LTS', 'cpe:/o:redhat:rhel_aus:7.6::server', 'bookworm'. */
  raw: string;
}

/**
 * - affected: versions inside `ranges` or listed in `versions` are vulnerable; with neither, every version is.
 * - fixed: the source only says which version fixes it (a CSAF "fixed" product); versions below `fixed` are vulnerable.
 * - not-affected: a VEX statement (CSAF known_not_affected, Debian tracker fixed_version 0); it suppresses matches.
 * - under-investigation: the vendor does not know yet.
 */
export type AffectedStatus = 'affected' | 'fixed' | 'not-affected' | 'under-investigation';

/** A half-open interval of affected versions: introduced ≤ v < fixed, or introduced ≤ v ≤ lastAffected. */
export interface VersionRange {
  /** Absent or '0' means "since the beginning". */
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
}

export interface AffectedPackage {
  ecosystem: Ecosystem;
  /** The package as the source names it: a source package for Debian and Ubuntu, a binary RPM for AlmaLinux. */
  package: string;
  packageKind: 'source' | 'binary';
  scheme: 'deb' | 'rpm';
  status: AffectedStatus;
  /** The first fixed version; absent = no fix yet. */
  fixed?: string;
  ranges?: VersionRange[];
  /** Versions the source lists one by one (OSV `versions`, CSAF products with a version). */
  versions?: string[];
  /** Binary packages built from this source that the fix ships (Ubuntu's ecosystem_specific.binaries). */
  binaries?: string[];
  /** Severity for this package and release when the source rates them separately (Debian tracker urgency). */
  severity?: Severity;
  /** The vulnerability ids this entry speaks about, when the advisory covers several (CSAF). Absent = all of them. */
  ids?: string[];
  /** Free-text qualifier from the source, e.g. 'end-of-life', 'Available with Ubuntu Pro'. */
  note?: string;
}

/** Where a normalized advisory was read from. */
export interface Origin {
  /** File path (relative to where the import ran) or URL. */
  location: string;
  /** JSON pointer of the record inside that file. */
  pointer: string;
}

export interface Advisory {
  id: string;
  source: AdvisorySource;
  /** Other ids of the same vulnerability: CVE ids first, then others. */
  aliases: string[];
  title?: string;
  summary?: string;
  published?: string;
  /** ISO 8601. For sources without a record date (Debian tracker) it is when plumb first saw this content. */
  modified: string;
  /** Whether `modified` came from the record itself or was assigned at import (feeds without dates). */
  modifiedFrom: 'record' | 'import';
  severity: Severity;
  cvss?: Cvss[];
  references: string[];
  affected: AffectedPackage[];
  /** OSV `withdrawn`: the advisory was retracted; it no longer matches. */
  withdrawn?: string;
  origin: Origin;
}

/** What the store keeps: the advisory plus when the group first learned of it (SP 800-40 metrics need it). */
export interface StoredAdvisory extends Advisory {
  /** First import time of any revision of this advisory; kept across revisions. */
  knew: string;
}

/** Matches the CVE id syntax (CVE-YYYY-NNNN…). */
export const CVE_ID = /^CVE-\d{4}-\d{4,}$/;
