import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AdvisoryStoreCorrupt } from '../errors/advisories.js';
import type { Problem } from '../model/problem.js';
import { check, compile } from './check.js';
import { parseJson } from './json-text.js';
import { STORED_ADVISORY_SCHEMA } from './store-schema.js';
import type { AdvisorySource, AffectedPackage, StoredAdvisory } from './types.js';

/**
 * The advisory store: advisories/<source>/<id>.json under the repository root, one normalized advisory per file,
 * so that a pull request shows each new or revised advisory as its own diff (format in advisories/README.md).
 */

export const STORE_DIR = 'advisories';
export const SOURCES: readonly AdvisorySource[] = ['osv', 'csaf', 'debian-tracker'];
const MAX_FILE_BYTES = 16 * 1024 * 1024;

const validateStored = compile(STORED_ADVISORY_SCHEMA);

/** 'RHSA-2022:0011' → 'RHSA-2022_0011.json': ids may hold ':' and '+', which some file systems refuse. */
export function fileNameFor(id: string, disambiguate = false): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_');
  return disambiguate ? `${safe}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}.json` : `${safe}.json`;
}

/** Repository-relative path of an advisory's file (forward slashes). */
export function storePath(source: AdvisorySource, id: string, disambiguate = false): string {
  return `${STORE_DIR}/${source}/${fileNameFor(id, disambiguate)}`;
}

/** The stored advisory with this id, or undefined. Throws AdvisoryStoreCorrupt when its file is not a stored advisory. */
export function readStored(root: string, source: AdvisorySource, id: string): StoredAdvisory | undefined {
  for (const disambiguate of [false, true]) {
    const rel = storePath(source, id, disambiguate);
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) continue;
    const r = readFile(file, rel);
    if (!r.ok) throw new AdvisoryStoreCorrupt(rel, r.problems[0]!.message);
    if (r.advisory.id === id) return r.advisory;
  }
  return undefined;
}

/** Writes atomically (temp file + rename), so that an interrupted import never leaves half a file. Returns the path written. */
export function writeStored(root: string, advisory: StoredAdvisory): string {
  let rel = storePath(advisory.source, advisory.id);
  const first = path.join(root, rel);
  if (fs.existsSync(first)) {
    const r = readFile(first, rel);
    // Two ids that differ only in characters the file name cannot hold (':' vs '_') must not overwrite each other.
    if (r.ok && r.advisory.id !== advisory.id) rel = storePath(advisory.source, advisory.id, true);
  }
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, serialize(advisory));
  fs.renameSync(tmp, file);
  return rel;
}

/** Every stored advisory; unreadable files become problems so that one bad file does not hide the rest. */
export function loadStore(root: string): { advisories: StoredAdvisory[]; problems: Problem[] } {
  const advisories: StoredAdvisory[] = [];
  const problems: Problem[] = [];
  for (const source of SOURCES) {
    const dir = path.join(root, STORE_DIR, source);
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const rel = `${STORE_DIR}/${source}/${name}`;
      const r = readFile(path.join(dir, name), rel);
      if (!r.ok) problems.push(...r.problems);
      else if (r.advisory.source !== source) {
        problems.push({ severity: 'error', code: 'store-misplaced', message: `advisory of source '${r.advisory.source}' is filed under ${source}/`, file: rel, line: 1, col: 1, pointer: '/source' });
      } else advisories.push(r.advisory);
    }
  }
  return { advisories, problems };
}

function readFile(file: string, rel: string): { ok: true; advisory: StoredAdvisory } | { ok: false; problems: Problem[] } {
  const st = fs.lstatSync(file);
  if (!st.isFile()) return { ok: false, problems: [{ severity: 'error', code: 'store-not-file', message: 'is not a regular file', file: rel, line: 1, col: 1, pointer: '' }] };
  if (st.size > MAX_FILE_BYTES) return { ok: false, problems: [{ severity: 'error', code: 'too-large', message: `file is ${st.size} bytes; the limit is ${MAX_FILE_BYTES}`, file: rel, line: 1, col: 1, pointer: '' }] };
  const parsed = parseJson(rel, fs.readFileSync(file), { maxBytes: MAX_FILE_BYTES, maxDepth: 16 });
  if (!parsed.ok) return parsed;
  const raw = check(validateStored, parsed.doc.value, '');
  if (!raw.length) return { ok: true, advisory: parsed.doc.value as StoredAdvisory };
  const at = parsed.doc.locateAll(raw.map((p) => p.pointer));
  return {
    ok: false,
    problems: raw.map((p) => ({ severity: 'error' as const, code: `store-${p.code}`, message: p.message, hint: p.hint, file: rel, ...at.get(p.pointer)!, pointer: p.pointer })),
  };
}

const ADVISORY_KEYS = ['id', 'source', 'aliases', 'title', 'summary', 'published', 'modified', 'modifiedFrom', 'knew', 'severity', 'cvss', 'withdrawn', 'references', 'affected', 'origin'] as const;
const AFFECTED_KEYS = ['ecosystem', 'package', 'packageKind', 'scheme', 'status', 'fixed', 'ranges', 'versions', 'binaries', 'severity', 'ids', 'note'] as const;

/** A fixed field order, two-space indent and a final newline: files diff cleanly and look the same whoever wrote them. */
export function serialize(a: StoredAdvisory): string {
  const ordered: Record<string, unknown> = {};
  for (const k of ADVISORY_KEYS) if (a[k] !== undefined) ordered[k] = a[k];
  ordered.affected = a.affected.map((x) => {
    const o: Record<string, unknown> = {};
    for (const k of AFFECTED_KEYS) if (x[k as keyof AffectedPackage] !== undefined) o[k] = x[k as keyof AffectedPackage];
    return o;
  });
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
