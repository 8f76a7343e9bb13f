import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { RawProblem } from './format.js';
import { CVE_ID } from './types.js';

/**
 * Structural validation of advisory records against compact schemas written for the parts plumb reads (the
 * official schemas stay in their projects; tests check the samples against them). Every violation becomes a
 * RawProblem at its JSON pointer.
 */

let instance: Ajv | undefined;
/** ajv itself, made (and loaded: CommonJS, so synchronously) for the first record validated. */
function ajv(): Ajv {
  if (!instance) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    instance = new AjvClass({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  }
  return instance;
}

/** Compiled on first use: every plumb command imports the importers, few of them validate a record. */
export function compile(schema: object): ValidateFunction {
  let fn: ValidateFunction | undefined;
  const lazy = ((value: unknown) => {
    fn ??= ajv().compile(schema);
    const ok = fn(value);
    lazy.errors = fn.errors;
    return ok;
  }) as ValidateFunction;
  return lazy;
}

/** Runs a validator on one record; pointers are prefixed with the record's own pointer. */
export function check(validate: ValidateFunction, value: unknown, base: string): RawProblem[] {
  if (validate(value)) return [];
  const seen = new Set<string>();
  const out: RawProblem[] = [];
  for (const e of validate.errors ?? []) {
    const p = describe(e);
    const pointer = base + p.pointer;
    const key = `${pointer}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ severity: 'error', code: 'schema', message: p.message, hint: p.hint, pointer });
  }
  return out;
}

function field(pointer: string): string {
  if (pointer === '') return 'the record';
  const last = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(last) ? `item ${last} of ${field(pointer.slice(0, pointer.lastIndexOf('/')))}` : `'${last}'`;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function describe(e: ErrorObject): { pointer: string; message: string; hint?: string } {
  const p = e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: p, message: `${field(p)} is missing required field '${String(params.missingProperty)}'` };
    case 'type':
      return { pointer: p, message: `${field(p)} must be ${String(params.type).split(',').join(' or ')}` };
    case 'enum':
      return { pointer: p, message: `${field(p)} must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'pattern':
    case 'format':
      return { pointer: p, message: `${field(p)} is not valid`, hint: (e.parentSchema as { description?: string } | undefined)?.description };
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      return { pointer: p, message: `${field(p)} is too large (limit ${String(params.limit)})` };
    case 'minItems':
    case 'minLength':
    case 'minProperties':
      return { pointer: p, message: `${field(p)} must not be empty` };
    case 'additionalProperties':
      return { pointer: `${p}/${String(params.additionalProperty)}`, message: `unknown field '${String(params.additionalProperty)}'` };
    case 'propertyNames':
      return { pointer: p, message: `${field(p)} has an invalid key ${show(params.propertyName)}` };
    default:
      return { pointer: p, message: `${field(p)} ${e.message ?? 'is invalid'}` };
  }
}

/** RFC 3339 date-time as advisory formats use it (a time zone is required so that revisions order correctly). */
export const TIMESTAMP = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})$';
export const TIMESTAMP_RE = new RegExp(TIMESTAMP);

/** Advisory ids become file names in the store: no path separators, no shell metacharacters. */
export const ADVISORY_ID = '^[A-Za-z0-9][A-Za-z0-9._:+-]{0,127}$';
export const ADVISORY_ID_RE = new RegExp(ADVISORY_ID);

/** Versions plumb keeps: the characters dpkg and rpm versions use, nothing a shell would read specially. */
export const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9.+~^_:-]{0,255}$/;

/** Package names as dpkg and rpm spell them (rpm allows '_' and capitals). */
export const PACKAGE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$/;

/** Ids other than the primary one: kept only when well-formed; CVE ids first, in their order, then the rest. */
export function cleanAliases(ids: Iterable<string>, self: string): string[] {
  const uniq = [...new Set([...ids].filter((x) => x !== self && ADVISORY_ID_RE.test(x)))];
  return [...uniq.filter((x) => CVE_ID.test(x)), ...uniq.filter((x) => !CVE_ID.test(x))];
}

/** CVE ids mentioned inside other ids: UBUNTU-CVE-2021-3782 → CVE-2021-3782. */
export function embeddedCves(ids: Iterable<string>): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const m = /CVE-\d{4}-\d{4,}/.exec(id);
    if (m) out.push(m[0]);
  }
  return out;
}

export function isTimestamp(v: unknown): v is string {
  return typeof v === 'string' && TIMESTAMP_RE.test(v) && !Number.isNaN(Date.parse(v));
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
