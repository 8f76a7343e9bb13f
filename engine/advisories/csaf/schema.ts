import { ADVISORY_ID, TIMESTAMP } from '../check.js';

/**
 * The parts of a CSAF 2.0 document (OASIS) that plumb reads, with size bounds. Written for plumb; tests check the
 * real samples against the official schema in ../shared/data/schemas.
 */
const str = (maxLength: number) => ({ type: 'string', maxLength });
const timestamp = { type: 'string', pattern: TIMESTAMP, description: 'an RFC 3339 date-time with a time zone' };
const productIds = { type: 'array', minItems: 1, maxItems: 100000, items: str(1024) };

const product = {
  type: 'object',
  required: ['name', 'product_id'],
  properties: {
    name: str(4096),
    product_id: str(1024),
    product_identification_helper: {
      type: 'object',
      properties: { purl: str(4096), cpe: str(1024) },
    },
  },
};

const cvss = {
  type: 'object',
  required: ['vectorString'],
  properties: { version: str(8), vectorString: str(256), baseScore: { type: 'number', minimum: 0, maximum: 10 } },
};

export const CSAF_SCHEMA = {
  type: 'object',
  required: ['document'],
  definitions: {
    branches: {
      type: 'array',
      maxItems: 100000,
      items: {
        type: 'object',
        required: ['category', 'name'],
        properties: {
          category: str(64),
          name: str(4096),
          product,
          branches: { $ref: '#/definitions/branches' },
        },
      },
    },
  },
  properties: {
    document: {
      type: 'object',
      required: ['category', 'csaf_version', 'publisher', 'title', 'tracking'],
      properties: {
        category: str(256),
        csaf_version: { type: 'string', enum: ['2.0'] },
        title: str(4096),
        aggregate_severity: { type: 'object', required: ['text'], properties: { text: str(256) } },
        publisher: { type: 'object', required: ['name'], properties: { name: str(1024) } },
        notes: { type: 'array', maxItems: 1000, items: { type: 'object', properties: { category: str(64), text: str(1024 * 1024), title: str(4096) } } },
        references: { type: 'array', maxItems: 10000, items: { type: 'object', required: ['url'], properties: { url: str(4096) } } },
        tracking: {
          type: 'object',
          required: ['current_release_date', 'id', 'initial_release_date', 'revision_history', 'status', 'version'],
          properties: {
            id: { type: 'string', pattern: ADVISORY_ID, description: 'plumb stores advisories by id: letters, digits and . _ : + - (e.g. RHSA-2022:0011)' },
            current_release_date: timestamp,
            initial_release_date: timestamp,
            revision_history: { type: 'array', minItems: 1, maxItems: 10000 },
            status: { type: 'string', enum: ['draft', 'final', 'interim'] },
            version: str(64),
          },
        },
      },
    },
    product_tree: {
      type: 'object',
      properties: {
        branches: { $ref: '#/definitions/branches' },
        full_product_names: { type: 'array', maxItems: 100000, items: product },
        relationships: {
          type: 'array',
          maxItems: 200000,
          items: {
            type: 'object',
            required: ['category', 'full_product_name', 'product_reference', 'relates_to_product_reference'],
            properties: {
              category: str(64),
              full_product_name: product,
              product_reference: str(1024),
              relates_to_product_reference: str(1024),
            },
          },
        },
      },
    },
    vulnerabilities: {
      type: 'array',
      maxItems: 10000,
      items: {
        type: 'object',
        properties: {
          cve: { type: 'string', pattern: '^CVE-[0-9]{4}-[0-9]{4,}$' },
          title: str(4096),
          ids: { type: 'array', maxItems: 1000, items: { type: 'object', required: ['system_name', 'text'], properties: { system_name: str(1024), text: str(1024) } } },
          notes: { type: 'array', maxItems: 1000, items: { type: 'object', properties: { category: str(64), text: str(1024 * 1024) } } },
          product_status: {
            type: 'object',
            properties: {
              first_affected: productIds,
              first_fixed: productIds,
              fixed: productIds,
              known_affected: productIds,
              known_not_affected: productIds,
              last_affected: productIds,
              recommended: productIds,
              under_investigation: productIds,
            },
          },
          remediations: {
            type: 'array',
            maxItems: 10000,
            items: { type: 'object', required: ['category'], properties: { category: str(64), details: str(65536), product_ids: productIds, url: str(4096) } },
          },
          scores: {
            type: 'array',
            maxItems: 10000,
            items: { type: 'object', required: ['products'], properties: { cvss_v2: cvss, cvss_v3: cvss, products: productIds } },
          },
          threats: {
            type: 'array',
            maxItems: 10000,
            items: { type: 'object', required: ['category', 'details'], properties: { category: str(64), details: str(65536), product_ids: productIds } },
          },
          references: { type: 'array', maxItems: 10000, items: { type: 'object', required: ['url'], properties: { url: str(4096) } } },
        },
      },
    },
  },
};
