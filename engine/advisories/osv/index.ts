import { check, cleanAliases, compile, embeddedCves, isObject, PACKAGE_NAME_RE } from '../check.js';
import { cvssOf, severityOfCvss } from '../cvss.js';
import { parseOsvEcosystem, schemeOfOs } from '../ecosystem.js';
import type { AdvisoryFormat, NormalizeContext, NormalizeResult, RawProblem } from '../format.js';
import { intervalsFromEvents, lastFixed, type RangeEvent } from '../ranges.js';
import { ratingFromSummary, ratingOf } from '../rating.js';
import { maxSeverity, type Advisory, type AffectedPackage, type Cvss, type Severity } from '../types.js';
import { dedupeAffected, trimText, urls } from '../normalize.js';
import { OSV_RECORD_SCHEMA } from './schema.js';

/**
 * OSV records (https://ossf.github.io/osv-schema/) from the distributions' feeds: Debian (DSA/DLA/DEBIAN-CVE),
 * Ubuntu (USN, UBUNTU-CVE), AlmaLinux (ALSA), Rocky, Red Hat. Input is one record, an array of records, or an
 * osv.dev API answer ({ "vulns": [...] }). Affected packages of other ecosystems (PyPI, npm …) are skipped with a
 * warning: they cannot be matched against a host's dpkg or rpm database.
 */

const validateRecord = compile(OSV_RECORD_SCHEMA);

interface OsvSeverity {
  type: string;
  score: string;
}
interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[] | null;
  ranges?: Array<{ type: string; events: Array<Record<string, string>> }>;
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}
interface OsvRecord {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[] | null;
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[] | null;
  affected?: OsvAffected[] | null;
  references?: Array<{ url: string }> | null;
}

// Loose on purpose: a record with a broken `modified` is still an OSV record, and should be told what is wrong with it.
const looksLikeRecord = (v: unknown) => isObject(v) && typeof v.id === 'string' && ('modified' in v || 'affected' in v || 'schema_version' in v) && !('document' in v);

export const osv: AdvisoryFormat = {
  id: 'osv',
  description: 'OSV records (Debian, Ubuntu, AlmaLinux, Rocky, Red Hat ecosystems): one record, an array, or {"vulns": [...]}',
  detect(value) {
    if (looksLikeRecord(value)) return true;
    if (Array.isArray(value)) return value.length > 0 && looksLikeRecord(value[0]);
    return isObject(value) && Array.isArray(value.vulns) && Object.keys(value).length <= 2;
  },
  normalize(value, ctx) {
    const list: Array<[unknown, string]> = Array.isArray(value)
      ? value.map((v, i) => [v, `/${i}`])
      : isObject(value) && Array.isArray(value.vulns)
        ? value.vulns.map((v, i) => [v, `/vulns/${i}`])
        : [[value, '']];
    const out: NormalizeResult = { advisories: [], problems: [], records: list.length };
    for (const [record, pointer] of list) {
      const problems = check(validateRecord, record, pointer);
      if (problems.length) {
        out.problems.push(...problems);
        continue;
      }
      const r = normalizeRecord(record as OsvRecord, pointer, ctx);
      out.problems.push(...r.problems);
      if (r.advisory) out.advisories.push(r.advisory);
    }
    return out;
  },
};

function normalizeRecord(r: OsvRecord, base: string, ctx: NormalizeContext): { advisory?: Advisory; problems: RawProblem[] } {
  const problems: RawProblem[] = [];
  const cvss: Cvss[] = [];
  const ratings: Severity[] = [];
  const readSeverity = (list: OsvSeverity[] | null | undefined, pointer: string, ids?: string[]) => {
    (list ?? []).forEach((s, i) => {
      if (s.type === 'Ubuntu') {
        const rating = ratingOf(s.score);
        if (rating) ratings.push(rating);
        return;
      }
      const c = cvssOf(s.score, undefined, ids);
      if (!c.ok) {
        problems.push({ severity: 'warning', code: 'bad-cvss', message: `CVSS vector ${JSON.stringify(s.score)} is malformed (${c.reason}); ignored`, pointer: `${pointer}/${i}/score` });
        return;
      }
      if (!cvss.some((x) => x.vector === c.cvss.vector && sameIds(x.ids, c.cvss.ids))) cvss.push(c.cvss);
    });
  };
  readSeverity(r.severity, `${base}/severity`);
  const summaryRating = ratingFromSummary(r.summary);
  if (summaryRating && (r.affected ?? []).some((a) => a.package?.ecosystem.startsWith('AlmaLinux') || a.package?.ecosystem.startsWith('Rocky'))) ratings.push(summaryRating);

  const cveIds: string[] = [];
  const affected: AffectedPackage[] = [];
  (r.affected ?? []).forEach((a, i) => {
    const at = `${base}/affected/${i}`;
    readSeverity(a.severity, `${at}/severity`);
    // Ubuntu USNs rate each CVE per release in database_specific.cves_map.
    const cvesMap = a.database_specific?.cves_map;
    if (isObject(cvesMap) && Array.isArray(cvesMap.cves)) {
      cvesMap.cves.slice(0, 1000).forEach((c: unknown, j: number) => {
        if (!isObject(c) || typeof c.id !== 'string') return;
        cveIds.push(c.id);
        if (Array.isArray(c.severity)) readSeverity(c.severity.filter(validSeverity), `${at}/database_specific/cves_map/cves/${j}/severity`, [c.id]);
      });
    }
    const entry = normalizeAffected(a, at, ctx, problems);
    if (entry) affected.push(entry);
  });

  const aliases = cleanAliases([...(r.aliases ?? []), ...(r.upstream ?? []), ...embeddedCves([...(r.upstream ?? []), ...(r.related ?? [])]), ...cveIds], r.id);
  const advisory: Advisory = {
    id: r.id,
    source: 'osv',
    aliases,
    ...(r.summary ? { title: trimText(r.summary, 512) } : {}),
    ...(r.details?.trim() ? { summary: trimText(r.details, 8192) } : {}),
    ...(r.published ? { published: r.published } : {}),
    modified: r.modified,
    modifiedFrom: 'record',
    severity: ratings.length ? maxSeverity(ratings) : severityOfCvss(cvss),
    ...(cvss.length ? { cvss } : {}),
    references: urls((r.references ?? []).map((x) => x.url)),
    affected: dedupeAffected(affected),
    ...(r.withdrawn ? { withdrawn: r.withdrawn } : {}),
    origin: { location: ctx.location, pointer: base },
  };
  return { advisory, problems };
}

function validSeverity(s: unknown): s is OsvSeverity {
  return isObject(s) && typeof s.type === 'string' && typeof s.score === 'string' && s.score.length <= 256;
}

function sameIds(a: string[] | undefined, b: string[] | undefined): boolean {
  return (a ?? []).join(',') === (b ?? []).join(',');
}

function normalizeAffected(a: OsvAffected, at: string, ctx: NormalizeContext, problems: RawProblem[]): AffectedPackage | undefined {
  if (!a.package) {
    problems.push({ severity: 'warning', code: 'no-package', message: 'affected entry names no package; skipped', pointer: at });
    return undefined;
  }
  const eco = parseOsvEcosystem(a.package.ecosystem);
  const scheme = eco && schemeOfOs(eco.os);
  if (!eco || !scheme) {
    problems.push({
      severity: 'warning',
      code: 'unsupported-ecosystem',
      message: `ecosystem '${a.package.ecosystem}' is not a Debian, Ubuntu or RPM distribution release; skipped`,
      hint: 'plumb matches distribution packages (dpkg, rpm) only',
      pointer: `${at}/package/ecosystem`,
    });
    return undefined;
  }
  if (!PACKAGE_NAME_RE.test(a.package.name)) {
    problems.push({ severity: 'error', code: 'bad-package', message: `package name ${JSON.stringify(a.package.name)} is not a ${scheme} package name; entry skipped`, pointer: `${at}/package/name` });
    return undefined;
  }
  const events: RangeEvent[] = [];
  let bad = false;
  (a.ranges ?? []).forEach((range, ri) => {
    if (range.type !== 'ECOSYSTEM') {
      problems.push({ severity: 'warning', code: 'unsupported-range', message: `${range.type} ranges are not used for distribution packages; ignored`, pointer: `${at}/ranges/${ri}/type` });
      return;
    }
    range.events.forEach((ev, ei) => {
      const [kind, version] = Object.entries(ev)[0] as [RangeEvent['kind'], string];
      if (kind === 'limit') return;
      if (!(kind === 'introduced' && version === '0') && !ctx.isValidVersion(scheme, version)) {
        problems.push({ severity: 'error', code: 'bad-version', message: `${kind} version ${JSON.stringify(version)} is not a valid ${scheme} version; entry skipped`, pointer: `${at}/ranges/${ri}/events/${ei}/${kind}` });
        bad = true;
      }
      events.push({ kind, version });
    });
  });
  if (bad) return undefined;
  const versions = (a.versions ?? []).filter((v) => ctx.isValidVersion(scheme, v));
  const binaries = binaryNames(a.ecosystem_specific);
  const ranges = intervalsFromEvents(events, (x, y) => ctx.compare(scheme, x, y));
  if (!ranges.length && !versions.length && events.length) {
    // Events that open nothing (only fixed, say) say nothing about which versions are affected.
    problems.push({ severity: 'warning', code: 'empty-range', message: 'the ranges open no affected interval (no introduced event); entry skipped', pointer: `${at}/ranges` });
    return undefined;
  }
  const fixed = lastFixed(ranges);
  const availability = a.ecosystem_specific?.availability;
  const entry: AffectedPackage = {
    ecosystem: eco,
    package: a.package.name,
    // Debian and Ubuntu publish per source package; the RPM distributions per binary package.
    packageKind: scheme === 'deb' ? 'source' : 'binary',
    scheme,
    status: 'affected',
    ...(fixed ? { fixed } : {}),
    ...(ranges.length ? { ranges } : {}),
    ...(versions.length ? { versions } : {}),
    ...(binaries.length ? { binaries } : {}),
    ...(typeof availability === 'string' && availability !== 'No subscription required' ? { note: trimText(availability, 256) } : {}),
  };
  return entry;
}

/** Ubuntu: ecosystem_specific.binaries = [{ binary_name, binary_version }]. */
function binaryNames(es: Record<string, unknown> | undefined): string[] {
  const list = es?.binaries;
  if (!Array.isArray(list)) return [];
  const names = list.map((b) => (isObject(b) ? b.binary_name : undefined)).filter((n): n is string => typeof n === 'string' && PACKAGE_NAME_RE.test(n));
  return [...new Set(names)].slice(0, 1000);
}
