import { ADVISORY_ID_RE, check, cleanAliases, compile, isObject } from '../check.js';
import { cvssOf, severityOfCvss } from '../cvss.js';
import type { AdvisoryFormat, NormalizeContext, RawProblem } from '../format.js';
import { dedupeAffected, trimText, urls } from '../normalize.js';
import { ratingOf } from '../rating.js';
import { maxSeverity, type Advisory, type AffectedPackage, type AffectedStatus, type Cvss, type Severity } from '../types.js';
import { packageOf, readProductTree, type PackageIdentity, type ProductTree } from './products.js';
import { CSAF_SCHEMA } from './schema.js';

/**
 * CSAF 2.0 documents: security advisories (Red Hat RHSA, BSI …) and VEX. One document becomes one advisory named
 * by tracking.id, revised by tracking.current_release_date. Product statuses become affected packages where the
 * product is a distribution package; VEX known_not_affected statements are kept as `not-affected` so that they
 * suppress matches from other advisories about the same vulnerability.
 */

const validateDocument = compile(CSAF_SCHEMA);

interface CsafVulnerability {
  cve?: string;
  title?: string;
  ids?: Array<{ system_name: string; text: string }>;
  notes?: Array<{ category?: string; text?: string }>;
  product_status?: Record<string, string[]>;
  remediations?: Array<{ category: string; details?: string; product_ids?: string[] }>;
  scores?: Array<{ cvss_v2?: { vectorString: string; baseScore?: number }; cvss_v3?: { vectorString: string; baseScore?: number }; products: string[] }>;
  threats?: Array<{ category: string; details: string }>;
  references?: Array<{ url: string }>;
}
interface CsafDocument {
  document: {
    category: string;
    title: string;
    aggregate_severity?: { text: string };
    notes?: Array<{ category?: string; text?: string }>;
    references?: Array<{ url: string }>;
    tracking: { id: string; current_release_date: string; initial_release_date: string; status: string; version: string };
  };
  product_tree?: unknown;
  vulnerabilities?: CsafVulnerability[];
}

const STATUS_OF: Record<string, AffectedStatus | undefined> = {
  fixed: 'fixed',
  first_fixed: 'fixed',
  known_affected: 'affected',
  first_affected: 'affected',
  last_affected: 'affected',
  known_not_affected: 'not-affected',
  under_investigation: 'under-investigation',
  recommended: undefined,
};

export const csaf: AdvisoryFormat = {
  id: 'csaf',
  description: 'CSAF 2.0 documents (security advisories and VEX), e.g. Red Hat RHSA',
  detect(value) {
    return isObject(value) && isObject(value.document) && 'csaf_version' in value.document;
  },
  normalize(value, ctx) {
    const problems = check(validateDocument, value, '');
    // A malformed vulnerability costs only itself; anything else malformed costs the document.
    const badVulns = new Set<number>();
    let fatal = false;
    for (const p of problems) {
      const m = /^\/vulnerabilities\/(\d+)(\/|$)/.exec(p.pointer);
      if (m) badVulns.add(Number(m[1]));
      else fatal = true;
    }
    if (fatal) return { advisories: [], problems, records: 1 };
    const r = normalizeDocument(value as CsafDocument, badVulns, ctx);
    return { advisories: [r.advisory], problems: [...problems, ...r.problems], records: 1 };
  },
};

interface Group {
  identity: PackageIdentity;
  byStatus: Map<AffectedStatus, { versions: Set<string>; all: boolean }>;
}

function normalizeDocument(doc: CsafDocument, badVulns: Set<number>, ctx: NormalizeContext): { advisory: Advisory; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const tree: ProductTree = readProductTree(doc.product_tree);
  const t = doc.document.tracking;
  const vulns = (doc.vulnerabilities ?? []).map((v, i) => [v, i] as const).filter(([, i]) => !badVulns.has(i));
  const cvss: Cvss[] = [];
  const ratings: Severity[] = [];
  const ids: string[] = [];
  const refs: string[] = (doc.document.references ?? []).map((r) => r.url);
  const affected: AffectedPackage[] = [];
  const unmapped = new Set<string>();
  const several = (doc.vulnerabilities ?? []).length > 1;

  for (const [v, vi] of vulns) {
    const at = `/vulnerabilities/${vi}`;
    const vid = v.cve ?? v.ids?.map((x) => x.text).find((x) => ADVISORY_ID_RE.test(x)) ?? `${t.id}#${vi}`;
    ids.push(vid);
    for (const x of v.ids ?? []) ids.push(x.text);
    refs.push(...(v.references ?? []).map((r) => r.url));
    const vulnRatings = (v.threats ?? []).flatMap((th) => (th.category === 'impact' ? (ratingOf(th.details) ?? []) : []));
    const vulnCvss: Cvss[] = [];
    (v.scores ?? []).forEach((s, si) => {
      for (const key of ['cvss_v3', 'cvss_v2'] as const) {
        const given = s[key];
        if (!given) continue;
        const c = cvssOf(given.vectorString, given.baseScore, [vid]);
        const pointer = `${at}/scores/${si}/${key}`;
        if (!c.ok) {
          problems.push({ severity: 'warning', code: 'bad-cvss', message: `CVSS vector is malformed (${c.reason}); ignored`, pointer: `${pointer}/vectorString` });
          continue;
        }
        if (c.mismatch !== undefined) {
          problems.push({ severity: 'warning', code: 'cvss-mismatch', message: `baseScore ${given.baseScore} disagrees with the vector, which scores ${c.mismatch}; the document's score is kept`, pointer: `${pointer}/baseScore` });
        }
        if (!vulnCvss.some((x) => x.vector === c.cvss.vector)) vulnCvss.push(c.cvss);
      }
    });
    cvss.push(...vulnCvss);
    // A vulnerability's own rating (threats of category impact) wins over its CVSS score.
    ratings.push(vulnRatings.length ? maxSeverity(vulnRatings) : severityOfCvss(vulnCvss));

    const groups = new Map<string, Group>();
    for (const [category, list] of Object.entries(v.product_status ?? {})) {
      const status = STATUS_OF[category];
      if (!status) continue;
      for (const pid of list) {
        const identity = packageOf(tree, pid);
        if (!identity) {
          if (!tree.nodes.has(pid)) problems.push({ severity: 'warning', code: 'unknown-product', message: `product id '${pid}' is not in the product tree`, pointer: `${at}/product_status/${category}` });
          unmapped.add(pid);
          continue;
        }
        const e = identity.ecosystem;
        const key = [e.os, e.release, e.variant ?? '', identity.scheme, identity.kind, identity.name].join('\u0000');
        const g = groups.get(key) ?? { identity, byStatus: new Map() };
        groups.set(key, g);
        const slot = g.byStatus.get(status) ?? { versions: new Set<string>(), all: false };
        g.byStatus.set(status, slot);
        if (identity.version === undefined) slot.all = true;
        else if (ctx.isValidVersion(identity.scheme, identity.version)) slot.versions.add(identity.version);
        else problems.push({ severity: 'warning', code: 'bad-version', message: `product '${pid}' has version '${identity.version}', which is not a valid ${identity.scheme} version; ignored`, pointer: `${at}/product_status/${category}` });
      }
    }
    const vendorFix = (v.remediations ?? []).some((r) => r.category === 'vendor_fix');
    for (const g of groups.values()) affected.push(...entriesOf(g, several ? [vid] : undefined, vendorFix, ctx));
  }

  if (unmapped.size) {
    const sample = [...unmapped].slice(0, 3).join(', ');
    problems.push({
      severity: 'warning',
      code: 'unmapped-products',
      message: `${unmapped.size} product${unmapped.size === 1 ? ' is' : 's are'} not a distribution package plumb can match (${sample}${unmapped.size > 3 ? ', …' : ''}); the advisory is kept without them`,
      hint: 'products match when they carry a deb or rpm purl with a distro, or are RPMs under an OS product with a CPE',
      pointer: '/product_tree',
    });
  }

  const notes = doc.document.notes ?? [];
  const summary = notes.find((n) => n.category === 'summary')?.text ?? notes.find((n) => n.category === 'description' || n.category === 'general')?.text;
  const aggregate = ratingOf(doc.document.aggregate_severity?.text);
  const advisory: Advisory = {
    id: t.id,
    source: 'csaf',
    aliases: cleanAliases(ids, t.id),
    title: trimText(doc.document.title, 512),
    ...(summary?.trim() ? { summary: trimText(summary, 8192) } : {}),
    published: t.initial_release_date,
    modified: t.current_release_date,
    modifiedFrom: 'record',
    severity: aggregate ?? maxSeverity(ratings),
    ...(cvss.length ? { cvss } : {}),
    references: urls(refs),
    affected: mergeIds(dedupeAffected(affected)),
    origin: { location: ctx.location, pointer: '' },
  };
  return { advisory, problems };
}

/** One package's statuses in one vulnerability → affected entries. */
function entriesOf(g: Group, ids: string[] | undefined, vendorFix: boolean, ctx: NormalizeContext): AffectedPackage[] {
  const { identity: p } = g;
  const base = { ecosystem: p.ecosystem, package: p.name, packageKind: p.kind, scheme: p.scheme } as const;
  const withIds = ids ? { ids } : {};
  const out: AffectedPackage[] = [];
  const fixedSlot = g.byStatus.get('fixed');
  const affectedSlot = g.byStatus.get('affected');
  const sorted = (s: Set<string>) => [...s].sort((a, b) => ctx.compare(p.scheme, a, b));
  if (fixedSlot?.versions.size || affectedSlot) {
    // Several fixed products of one package (architectures, streams) fix at the lowest of their versions.
    const fixed = fixedSlot?.versions.size ? sorted(fixedSlot.versions)[0] : undefined;
    const versions = affectedSlot && !affectedSlot.all ? sorted(affectedSlot.versions) : [];
    out.push({
      ...base,
      status: affectedSlot ? 'affected' : 'fixed',
      ...(fixed ? { fixed, ranges: [{ fixed }] } : {}),
      ...(versions.length ? { versions } : {}),
      ...withIds,
      ...(!fixed && vendorFix ? { note: 'vendor fix announced; see the advisory' } : {}),
    });
  }
  for (const status of ['not-affected', 'under-investigation'] as const) {
    const slot = g.byStatus.get(status);
    if (!slot) continue;
    const versions = slot.all ? [] : sorted(slot.versions);
    out.push({ ...base, status, ...(versions.length ? { versions } : {}), ...withIds });
  }
  return out;
}

/** Entries equal but for the vulnerability ids they speak about are one entry naming all those ids. */
function mergeIds(list: AffectedPackage[]): AffectedPackage[] {
  const byKey = new Map<string, AffectedPackage>();
  for (const a of list) {
    const { ids, ...rest } = a;
    const key = JSON.stringify(rest);
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, a);
    else if (prev.ids && ids) prev.ids = [...new Set([...prev.ids, ...ids])];
  }
  return [...byKey.values()];
}
