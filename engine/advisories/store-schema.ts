import { ADVISORY_ID, TIMESTAMP } from './check.js';

/**
 * The contract of a file in the advisories/ store (documented in advisories/README.md). Files are written by
 * `plumb advisories import` and reviewed in pull requests; this schema catches hand edits that went wrong.
 */
const str = (maxLength: number) => ({ type: 'string', maxLength });
const version = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.+~^_:-]{0,255}$' };
const severity = { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] };
const timestamp = { type: 'string', pattern: TIMESTAMP };

export const STORED_ADVISORY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'source', 'aliases', 'modified', 'modifiedFrom', 'knew', 'severity', 'references', 'affected', 'origin'],
  properties: {
    id: { type: 'string', pattern: ADVISORY_ID },
    source: { type: 'string', enum: ['osv', 'csaf', 'debian-tracker'] },
    aliases: { type: 'array', items: { type: 'string', pattern: ADVISORY_ID } },
    title: str(1024),
    summary: str(16384),
    published: timestamp,
    modified: timestamp,
    modifiedFrom: { type: 'string', enum: ['record', 'import'] },
    knew: timestamp,
    severity,
    cvss: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['version', 'vector'],
        properties: {
          version: { type: 'string', enum: ['2.0', '3.0', '3.1', '4.0'] },
          vector: str(256),
          score: { type: 'number', minimum: 0, maximum: 10 },
          computed: { type: 'boolean' },
          ids: { type: 'array', items: str(256) },
        },
      },
    },
    withdrawn: timestamp,
    references: { type: 'array', items: str(4096) },
    affected: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ecosystem', 'package', 'packageKind', 'scheme', 'status'],
        properties: {
          ecosystem: {
            type: 'object',
            additionalProperties: false,
            required: ['os', 'release', 'raw'],
            properties: { os: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,31}$' }, release: str(32), variant: str(64), raw: str(1024) },
          },
          package: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$' },
          packageKind: { type: 'string', enum: ['source', 'binary'] },
          scheme: { type: 'string', enum: ['deb', 'rpm'] },
          status: { type: 'string', enum: ['affected', 'fixed', 'not-affected', 'under-investigation'] },
          fixed: version,
          ranges: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: { introduced: version, fixed: version, lastAffected: version },
            },
          },
          versions: { type: 'array', items: version },
          binaries: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$' } },
          severity,
          ids: { type: 'array', items: str(256) },
          note: str(1024),
        },
      },
    },
    origin: {
      type: 'object',
      additionalProperties: false,
      required: ['location', 'pointer'],
      properties: { location: str(4096), pointer: str(4096) },
    },
  },
};
