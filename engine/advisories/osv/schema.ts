import { ADVISORY_ID, TIMESTAMP } from '../check.js';

/**
 * The parts of an OSV record (https://ossf.github.io/osv-schema/) that plumb reads, with size bounds. Written
 * for plumb; the official schema is only used by tests to show that the real samples agree with it.
 */
const str = (maxLength: number) => ({ type: 'string', maxLength });
const ids = (maxItems: number) => ({ type: 'array', maxItems, items: str(256) });
const timestamp = { type: 'string', pattern: TIMESTAMP, description: 'an RFC 3339 date-time with a time zone, e.g. 2024-03-29T12:00:00Z' };

const severity = {
  type: ['array', 'null'],
  maxItems: 64,
  items: {
    type: 'object',
    required: ['type', 'score'],
    properties: {
      type: { type: 'string', enum: ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] },
      score: str(256),
    },
  },
};

const event = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: { introduced: str(256), fixed: str(256), last_affected: str(256), limit: str(256) },
};

export const OSV_RECORD_SCHEMA = {
  type: 'object',
  required: ['id', 'modified'],
  properties: {
    schema_version: str(32),
    id: { type: 'string', pattern: ADVISORY_ID, description: 'an advisory id: letters, digits and . _ : + -, e.g. DSA-3029-1' },
    modified: timestamp,
    published: timestamp,
    withdrawn: timestamp,
    aliases: { type: ['array', 'null'], maxItems: 1000, items: str(256) },
    related: ids(5000),
    upstream: ids(5000),
    summary: str(4096),
    details: str(1024 * 1024),
    severity,
    affected: {
      type: ['array', 'null'],
      maxItems: 20000,
      items: {
        type: 'object',
        properties: {
          package: {
            type: 'object',
            required: ['ecosystem', 'name'],
            properties: { ecosystem: str(256), name: str(256), purl: str(2048) },
          },
          severity,
          ranges: {
            type: 'array',
            maxItems: 256,
            items: {
              type: 'object',
              required: ['type', 'events'],
              properties: {
                type: { type: 'string', enum: ['GIT', 'SEMVER', 'ECOSYSTEM'] },
                repo: str(4096),
                events: { type: 'array', minItems: 1, maxItems: 1024, items: event },
                database_specific: { type: 'object' },
              },
            },
          },
          versions: ids(100000),
          ecosystem_specific: { type: 'object' },
          database_specific: { type: 'object' },
        },
      },
    },
    references: {
      type: ['array', 'null'],
      maxItems: 10000,
      items: { type: 'object', required: ['url'], properties: { type: str(32), url: str(4096) } },
    },
    credits: { type: 'array' },
    database_specific: { type: 'object' },
  },
};
