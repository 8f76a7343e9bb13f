import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from './problem.js';
import type { ParsedYaml } from './yaml.js';

/** The document kinds, one schema file each. */
export type DocumentKind = 'inventory' | 'baseline' | 'remediation' | 'approval' | 'exception' | 'ansible-mapping';

export const SCHEMA_DIR = new URL('./schema/', import.meta.url);

const require = createRequire(import.meta.url);

let validators: Map<string, ValidateFunction> | undefined;

export function schemaFiles(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
}

function compiled(): Map<string, ValidateFunction> {
  if (validators) return validators;
  // ajv loads here, for the first document checked: a warm load (check cache) or a command that checks nothing
  // never pays the ~20-60 ms. Both packages are CommonJS, so require() loads them synchronously.
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  // ajv-formats has a default export; as CommonJS the callable is the module itself and also sits on .default.
  const formats = require('ajv-formats') as { default?: unknown };
  const addFormats = (formats.default ?? formats) as (ajv: Ajv, formats?: string[]) => Ajv;
  const ajv = new AjvClass({ allErrors: true, strict: true, strictRequired: false, verbose: true, allowUnionTypes: true });
  addFormats(ajv, ['date', 'email', 'uri']);
  // The pattern in the schema fixes the shape; this also refuses impossible calendar dates such as 2026-13-45.
  ajv.addFormat('date-or-date-time', (s: string) => isRealDate(s));
  const schemas = schemaFiles().map((f) => JSON.parse(readFileSync(new URL(f, SCHEMA_DIR), 'utf8')) as { $id: string });
  for (const s of schemas) ajv.addSchema(s);
  validators = new Map();
  for (const s of schemas) validators.set(s.$id.replace('.schema.json', ''), ajv.getSchema(s.$id)!);
  return validators;
}

/** Checks one parsed document against its kind's schema; every violation becomes a located Problem. */
export function validateDocument(kind: DocumentKind, doc: ParsedYaml): Problem[] {
  const validate = compiled().get(kind)!;
  if (validate(doc.value)) return [];
  return explain(validate.errors ?? [], doc);
}

/** ajv's errors as located Problems with plain-language messages (also for schemas outside schema/, e.g. plumb serve's). */
export function explain(errors: ErrorObject[], doc: ParsedYaml): Problem[] {
  // oneOf failures arrive with the errors of every branch; keep the ones that say something about the value.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf') return false;
    if (e.keyword === 'type' && oneOfPaths.has(e.instancePath)) return false;
    if (e.keyword === 'if' || e.keyword === 'not') return e.keyword === 'not';
    return true;
  });
  for (const p of oneOfPaths) {
    if (!kept.some((e) => e.instancePath === p || e.instancePath.startsWith(`${p}/`))) {
      const e = errors.find((x) => x.keyword === 'oneOf' && x.instancePath === p)!;
      kept.push({ ...e, keyword: 'oneOf-none' });
    }
  }
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const e of kept) {
    const { pointer, message, hint } = describe(e);
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const at = doc.locate(pointer);
    problems.push({ severity: 'error', code: 'schema', message, hint, file: doc.file, line: at.line, col: at.col, pointer });
  }
  return problems;
}

function fieldName(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return pointer === '' ? 'the document' : /^\d+$/.test(last) ? `item ${last} of ${fieldName(pointer.slice(0, pointer.lastIndexOf('/')))}` : `'${last}'`;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function describe(e: ErrorObject): { pointer: string; message: string; hint?: string } {
  const parent = (e.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown>; enum?: unknown[] };
  const p = e.instancePath;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parent.properties ?? {});
      const close = allowed.filter((a) => similar(a, extra));
      return {
        pointer: `${p}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        message: `unknown field '${extra}'${p ? ` in ${fieldName(p)}` : ''}`,
        hint: close.length ? `did you mean '${close[0]}'?` : allowed.length ? `allowed here: ${allowed.join(', ')}` : 'no fields are allowed here',
      };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { pointer: p, message: `${fieldName(p)} is missing required field '${missing}'` };
    }
    case 'type': {
      const want = (e.params as { type: string | string[] }).type;
      const wants = (Array.isArray(want) ? want : String(want).split(',')).join(' or ');
      const isMode = /\/mode$/.test(p) && typeof e.data === 'number';
      return {
        pointer: p,
        message: `${fieldName(p)} must be ${wants}, not ${typeOf(e.data)}`,
        hint: isMode
          ? "quote file modes: YAML reads 0640 as the decimal number 640 — write mode: '0640'"
          : wants === 'string' && typeof e.data !== 'object'
            ? 'put the value in quotes'
            : undefined,
      };
    }
    case 'pattern':
    case 'format':
      return {
        pointer: p,
        message: `${fieldName(p)}: ${show(e.data)} is not valid`,
        hint: parent.description ?? (e.keyword === 'format' ? `expected a ${String((e.params as { format: string }).format)}` : undefined),
      };
    case 'enum':
      return { pointer: p, message: `${fieldName(p)}: ${show(e.data)} is not one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    case 'propertyNames':
      return { pointer: p, message: `${fieldName(p)} has an invalid key ${show((e.params as { propertyName: string }).propertyName)}` };
    case 'not':
      return { pointer: p, message: `${fieldName(p)} combines fields that exclude each other`, hint: parent.description };
    case 'oneOf-none':
      return { pointer: p, message: `${fieldName(p)}: ${show(e.data)} has the wrong shape`, hint: parent.description };
    case 'uniqueItems':
      return { pointer: p, message: `${fieldName(p)} lists the same item twice` };
    case 'minItems':
    case 'minProperties':
      return { pointer: p, message: `${fieldName(p)} must not be empty` };
    case 'maxLength':
      return { pointer: p, message: `${fieldName(p)} is too long (at most ${(e.params as { limit: number }).limit} characters)` };
    case 'minLength':
      return { pointer: p, message: `${fieldName(p)} must not be empty` };
    default:
      return { pointer: p, message: `${fieldName(p)} ${e.message ?? 'is invalid'}` };
  }
}

/** Cheap "did you mean": same letters give or take a couple. */
export function similar(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length]![b.length]! <= 2;
}

/** True when the date part names a real day and the whole string parses. */
export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return false;
  return !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s.replace(' ', 'T')));
}
