import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AdvisoryInputUnreadable } from '../errors/advisories.js';
import type { Problem } from '../model/problem.js';
import type { AdvisoryFormat } from './format.js';
import { fetchConditional, isUrl, readHttpCache, writeHttpCache } from './http.js';
import { ingest } from './ingest.js';
import { DEFAULT_JSON_LIMITS } from './json-text.js';
import { mergeRevision } from './revision.js';
import { readStored, writeStored } from './store.js';
import type { AdvisorySource, Severity } from './types.js';

/**
 * `plumb advisories import`: read a file, a directory of files or a URL, normalize every record, and bring the
 * store up to date. Malformed records are reported and skipped; everything else is imported.
 */

export interface ImportOptions {
  format?: AdvisoryFormat['id'];
  maxBytes?: number;
  /** URLs: ignore the cached ETag/Last-Modified and fetch the whole body. */
  refresh?: boolean;
  now?: Date;
  timeoutMs?: number;
}

export interface InputReport {
  location: string;
  /** URLs only: whether the server sent a new body (modified) or 304 (not-modified). */
  fetch?: 'modified' | 'not-modified';
  format?: AdvisorySource;
  records: number;
  advisories: number;
}

export interface ImportReport {
  inputs: InputReport[];
  new: Array<{ id: string; source: AdvisorySource; file: string; severity: Severity; title?: string }>;
  updated: Array<{ id: string; source: AdvisorySource; file: string; from: string; to: string; changes: string[] }>;
  unchanged: number;
  older: Array<{ id: string; source: AdvisorySource; stored: string; incoming: string }>;
  problems: Problem[];
  errors: number;
  warnings: number;
}

const GZIP = (b: Uint8Array) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;

export async function importAdvisories(root: string, input: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const now = (opts.now ?? new Date()).toISOString();
  const maxBytes = opts.maxBytes ?? DEFAULT_JSON_LIMITS.maxBytes;
  const report: ImportReport = { inputs: [], new: [], updated: [], unchanged: 0, older: [], problems: [], errors: 0, warnings: 0 };

  const consume = (location: string, raw: Uint8Array): boolean => {
    let bytes = raw;
    if (GZIP(raw)) {
      try {
        bytes = gunzipSync(raw, { maxOutputLength: maxBytes });
      } catch (e) {
        report.problems.push({ severity: 'error', code: 'gzip', message: `gzip data could not be unpacked: ${(e as Error).message}`, file: location, line: 1, col: 1, pointer: '' });
        report.inputs.push({ location, records: 0, advisories: 0 });
        return false;
      }
    }
    const r = ingest(location, bytes, { now, format: opts.format, limits: { ...DEFAULT_JSON_LIMITS, maxBytes } });
    report.problems.push(...r.problems);
    report.inputs.push({ location, ...(r.format ? { format: r.format } : {}), records: r.records, advisories: r.advisories.length });
    for (const adv of r.advisories) {
      const outcome = mergeRevision(readStored(root, adv.source, adv.id), adv, now);
      switch (outcome.kind) {
        case 'new': {
          const file = writeStored(root, outcome.advisory);
          report.new.push({ id: adv.id, source: adv.source, file, severity: adv.severity, ...(adv.title ? { title: adv.title } : {}) });
          break;
        }
        case 'updated': {
          const file = writeStored(root, outcome.advisory);
          report.updated.push({ id: adv.id, source: adv.source, file, from: outcome.from, to: outcome.to, changes: outcome.changes });
          break;
        }
        case 'unchanged':
          report.unchanged++;
          break;
        case 'older':
          report.older.push({ id: adv.id, source: adv.source, stored: outcome.stored, incoming: outcome.incoming });
          break;
      }
    }
    return r.format !== undefined;
  };

  if (isUrl(input)) {
    const cache = readHttpCache(root);
    const fetched = await fetchConditional(input, cache.entries[input], { maxBytes, refresh: opts.refresh, now, timeoutMs: opts.timeoutMs });
    if (fetched.status === 'not-modified') {
      report.inputs.push({ location: input, fetch: 'not-modified', records: 0, advisories: 0 });
    } else {
      const usable = consume(input, fetched.bytes);
      report.inputs[report.inputs.length - 1]!.fetch = 'modified';
      // Remember the validators only for a body that could be read: a broken download must be fetched again.
      if (usable && (fetched.validators.etag || fetched.validators.lastModified)) {
        cache.entries[input] = fetched.validators;
        writeHttpCache(root, cache);
      }
    }
  } else {
    for (const file of inputFiles(input)) {
      let bytes: Uint8Array;
      try {
        const size = fs.statSync(file).size;
        if (size > maxBytes) {
          report.problems.push({ severity: 'error', code: 'too-large', message: `file is ${size} bytes; the limit is ${maxBytes}`, hint: 'raise --max-bytes if this feed is really that large', file, line: 1, col: 1, pointer: '' });
          report.inputs.push({ location: file, records: 0, advisories: 0 });
          continue;
        }
        bytes = fs.readFileSync(file);
      } catch (e) {
        report.problems.push({ severity: 'error', code: 'unreadable', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file, line: 1, col: 1, pointer: '' });
        continue;
      }
      consume(file, bytes);
    }
  }
  report.errors = report.problems.filter((p) => p.severity === 'error').length;
  report.warnings = report.problems.length - report.errors;
  return report;
}

/** A file, or the *.json and *.json.gz files under a directory (recursively, sorted, hidden entries and symlinked directories skipped). */
export function inputFiles(input: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AdvisoryInputUnreadable(input, code === 'ENOENT' ? 'no such file or directory' : (code ?? (e as Error).message), 'give a file, a directory of JSON files, or an http(s) URL');
  }
  if (st.isFile()) return [input];
  if (!st.isDirectory()) throw new AdvisoryInputUnreadable(input, 'not a file or directory');
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if ((e.isFile() || e.isSymbolicLink()) && /\.json(\.gz)?$/.test(e.name)) out.push(p);
    }
  };
  walk(input);
  if (!out.length) throw new AdvisoryInputUnreadable(input, 'the directory holds no *.json files');
  return out;
}
