/**
 * Advisories: import (OSV, CSAF/VEX, Debian tracker) into the advisories/ store, and match them to hosts' facts.
 * The public surface for other parts of the engine; see README.md.
 */
export type { Advisory, AdvisorySource, AffectedPackage, AffectedStatus, Cvss, Ecosystem, Severity, StoredAdvisory, VersionRange } from './types.js';
export { CVE_ID, maxSeverity, severityRank, SEVERITIES } from './types.js';
export { buildIndex, matchHost, type AdvisoryIndex, type MatchOptions, type MatchStatus, type Vulnerability } from './match.js';
export { importAdvisories, type ImportOptions, type ImportReport } from './import.js';
export { loadStore, readStored, storePath, writeStored, STORE_DIR } from './store.js';
export { ingest, type IngestResult } from './ingest.js';
export { FORMATS, detectFormat, formatById } from './formats.js';
export { baseScore, severityOfScore } from './cvss.js';
export { readMirror, verifyClearsigned, type MirrorReadOptions } from './mirror-fetch.js';
export { fixOnMirror, indexBinaries, mirrorFor, parsePackages, parseRelease, type FixOnMirror, type MirrorBinary, type MirrorPackages } from './mirror-index.js';
export { Coverage, type CoverageSubject, type ExceptionCover, type RemediationCover } from './coverage.js';
export { Assessor, type AssessInput, type HostVulnerabilities, type VulnerabilityEntry } from './assess.js';
export { nextIds, proposalGroups, releaseRange, remediationFor, type KnownRemediation, type ProposalGroup, type ProposeInput, type Skipped } from './propose.js';
