import { check, compile } from '../advisories/check.js';
import { parseJson } from '../advisories/json-text.js';
import { KevCatalogInvalid } from '../errors/advisories.js';
import type { Problem } from '../model/problem.js';
import { readRepoFile, RepoFileRefused } from '../model/source.js';

/**
 * A known-exploited-vulnerabilities catalog in CISA's KEV JSON format:
 * { catalogVersion, dateReleased, count, vulnerabilities: [{ cveID, vendorProject, product, dateAdded, dueDate,
 * knownRansomwareCampaignUse, … }] }. A malformed entry is reported and left out; the rest is used.
 */

export interface KevEntry {
  cveID: string;
  dateAdded: string;
  dueDate?: string;
  /** 'Known' or 'Unknown' in CISA's feed. */
  ransomware: boolean;
  vendorProject?: string;
  product?: string;
  vulnerabilityName?: string;
}

export interface KevCatalog {
  catalogVersion?: string;
  dateReleased?: string;
  entries: Map<string, KevEntry>;
}

const DATE = { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' };
const str = (maxLength: number) => ({ type: 'string', maxLength });
const validateEntry = compile({
  type: 'object',
  required: ['cveID', 'dateAdded'],
  properties: {
    cveID: { type: 'string', pattern: '^CVE-[0-9]{4}-[0-9]{4,}$' },
    dateAdded: DATE,
    dueDate: DATE,
    knownRansomwareCampaignUse: str(64),
    vendorProject: str(1024),
    product: str(1024),
    vulnerabilityName: str(4096),
  },
});
const validateHead = compile({
  type: 'object',
  required: ['vulnerabilities'],
  properties: { catalogVersion: str(64), dateReleased: str(64), count: { type: 'integer' }, vulnerabilities: { type: 'array', maxItems: 1000000 } },
});

/** Pure: bytes → catalog and located problems. */
export function parseKev(name: string, bytes: Uint8Array): { catalog?: KevCatalog; problems: Problem[] } {
  const parsed = parseJson(name, bytes, { maxBytes: 64 * 1024 * 1024, maxDepth: 16 });
  if (!parsed.ok) return { problems: parsed.problems };
  const v = parsed.doc.value as { catalogVersion?: string; dateReleased?: string; vulnerabilities: unknown[] };
  const raw = check(validateHead, v, '');
  const entries = new Map<string, KevEntry>();
  if (!raw.length) {
    v.vulnerabilities.forEach((e, i) => {
      const p = check(validateEntry, e, `/vulnerabilities/${i}`);
      if (p.length) return raw.push(...p);
      const x = e as { cveID: string; dateAdded: string; dueDate?: string; knownRansomwareCampaignUse?: string; vendorProject?: string; product?: string; vulnerabilityName?: string };
      entries.set(x.cveID, {
        cveID: x.cveID,
        dateAdded: x.dateAdded,
        ...(x.dueDate ? { dueDate: x.dueDate } : {}),
        ransomware: x.knownRansomwareCampaignUse === 'Known',
        ...(x.vendorProject ? { vendorProject: x.vendorProject } : {}),
        ...(x.product ? { product: x.product } : {}),
        ...(x.vulnerabilityName ? { vulnerabilityName: x.vulnerabilityName } : {}),
      });
    });
  }
  const at = parsed.doc.locateAll(raw.map((p) => p.pointer));
  const problems = raw.map((p) => ({ ...p, file: name, ...at.get(p.pointer)! }));
  const head = raw.some((p) => !p.pointer.startsWith('/vulnerabilities/'));
  return { ...(head ? {} : { catalog: { catalogVersion: v.catalogVersion, dateReleased: v.dateReleased, entries } }), problems };
}

/**
 * Reads the catalog the policy names (relative to the repository root) from the working tree. Throws KevCatalogInvalid
 * when it is unusable — outside the repository or behind a symbolic link included, with the YAML files' own words.
 */
export async function loadKev(root: string, rel: string): Promise<{ catalog: KevCatalog; problems: Problem[] }> {
  return loadKevAt(root, null, rel);
}

/** The catalog as it is in a commit (null: the working tree), so that `--ref` judges with that commit's catalog. */
export async function loadKevAt(root: string, commit: string | null, rel: string): Promise<{ catalog: KevCatalog; problems: Problem[] }> {
  let bytes: Buffer | null;
  try {
    bytes = await readRepoFile(root, commit, rel, { maxBytes: 64 * 2 ** 20 });
  } catch (e) {
    if (e instanceof RepoFileRefused) throw new KevCatalogInvalid(rel, (e.data as { reason: string }).reason);
    throw e;
  }
  if (!bytes) throw new KevCatalogInvalid(rel, commit ? `no such file in commit ${commit.slice(0, 12)}` : 'no such file');
  return usable(rel, bytes);
}

function usable(rel: string, bytes: Uint8Array): { catalog: KevCatalog; problems: Problem[] } {
  const r = parseKev(rel, bytes);
  if (!r.catalog) throw new KevCatalogInvalid(rel, r.problems[0]?.message ?? 'not a KEV catalog');
  return { catalog: r.catalog, problems: r.problems };
}
