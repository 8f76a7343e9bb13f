import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Ajv } from 'ajv';

/**
 * The official OSV and CSAF 2.0 schemas, read from ../shared/data (never copied into the project), so that tests
 * can show plumb's own compact validation agrees with them on real and broken inputs.
 */
export const SHARED = new URL('../../../shared/data/', import.meta.url);
export const SAMPLES = new URL('advisories/', SHARED);
export const HAVE_SHARED = existsSync(SHARED);

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, SHARED), 'utf8')) as Record<string, unknown>;

export function sample(rel: string): Uint8Array {
  return readFileSync(new URL(rel, SAMPLES));
}

export function sampleJson<T = Record<string, unknown>>(rel: string): T {
  return JSON.parse(readFileSync(new URL(rel, SAMPLES), 'utf8')) as T;
}

export function officialOsv(): (v: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv as unknown as Ajv);
  const validate = ajv.compile(read('schemas/osv-schema.json'));
  return (v) => validate(v) as boolean;
}

export function officialCsaf(): (v: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv as unknown as Ajv);
  // The CSAF schema refers to FIRST's CVSS schemas by their published addresses; the copies sit beside it.
  const cvss: Array<[string, string]> = [
    ['https://www.first.org/cvss/cvss-v2.0.json', 'schemas/cvss-v2.0.json'],
    ['https://www.first.org/cvss/cvss-v3.0.json', 'schemas/cvss-v3.0.json'],
    ['https://www.first.org/cvss/cvss-v3.1.json', 'schemas/cvss-v3.1.json'],
  ];
  for (const [id, file] of cvss) {
    const s = read(file);
    // draft-04 spelled the schema id `id`; the definitions themselves read the same under 2020-12.
    delete s.$schema;
    delete s.id;
    ajv.addSchema({ ...s, $id: id });
  }
  const validate = ajv.compile(read('schemas/csaf-2.0-schema.json'));
  return (v) => validate(v) as boolean;
}
