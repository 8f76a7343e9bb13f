import { ADVISORY_ID_RE, check, compile, isObject, PACKAGE_NAME_RE } from '../check.js';
import { debianRelease } from '../ecosystem.js';
import type { AdvisoryFormat, NormalizeContext, NormalizeResult, RawProblem } from '../format.js';
import { trimText } from '../normalize.js';
import { ratingOf } from '../rating.js';
import { maxSeverity, type Advisory, type AffectedPackage } from '../types.js';

/**
 * The Debian security tracker's JSON (https://security-tracker.debian.org/tracker/data/json):
 * { source package: { CVE or TEMP id: { description, scope, releases: { codename: { status, fixed_version,
 * urgency, … } } } } }. One advisory per vulnerability id, gathering every source package it names. The feed
 * carries no dates, so an advisory's `modified` is the time plumb first saw its current content.
 */

const str = (maxLength: number) => ({ type: 'string', maxLength });

const RECORD_SCHEMA = {
  type: 'object',
  required: ['releases'],
  properties: {
    description: str(65536),
    scope: str(64),
    debianbug: { type: 'integer' },
    releases: {
      // An entry without any release is written as [] by the tracker.
      type: ['object', 'array'],
      maxItems: 0,
      maxProperties: 64,
      propertyNames: { pattern: '^[a-z][a-z0-9-]{0,31}$' },
      additionalProperties: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { type: 'string', enum: ['resolved', 'open', 'undetermined'] },
          fixed_version: str(256),
          urgency: str(64),
          nodsa: str(1024),
          nodsa_reason: str(1024),
          repositories: { type: 'object', maxProperties: 64, additionalProperties: str(256) },
        },
      },
    },
  },
};
const validateRecord = compile(RECORD_SCHEMA);

interface TrackerRelease {
  status: 'resolved' | 'open' | 'undetermined';
  fixed_version?: string;
  urgency?: string;
  nodsa?: string;
  nodsa_reason?: string;
}
interface TrackerRecord {
  description?: string;
  releases: Record<string, TrackerRelease> | [];
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export const debianTracker: AdvisoryFormat = {
  id: 'debian-tracker',
  description: 'the Debian security tracker JSON (all source packages, per release)',
  detect(value) {
    if (!isObject(value) || 'document' in value || 'id' in value || 'vulns' in value) return false;
    for (const pkg of Object.values(value).slice(0, 5)) {
      if (!isObject(pkg)) return false;
      const first = Object.entries(pkg)[0];
      if (first && (!/^(CVE|TEMP)-/.test(first[0]) || !isObject(first[1]))) return false;
    }
    return Object.keys(value).length > 0;
  },
  normalize(value, ctx) {
    const out: NormalizeResult = { advisories: [], problems: [], records: 0 };
    if (!isObject(value)) {
      out.problems.push({ severity: 'error', code: 'schema', message: 'the tracker JSON must be an object of source packages', pointer: '' });
      return out;
    }
    const byId = new Map<string, Advisory>();
    for (const [pkg, entries] of Object.entries(value)) {
      const pkgAt = `/${esc(pkg)}`;
      if (!PACKAGE_NAME_RE.test(pkg)) {
        out.problems.push({ severity: 'error', code: 'bad-package', message: `${JSON.stringify(pkg.slice(0, 80))} is not a Debian source package name; its entries are skipped`, pointer: pkgAt });
        continue;
      }
      if (!isObject(entries)) {
        out.problems.push({ severity: 'error', code: 'schema', message: `'${pkg}' must map vulnerability ids to entries`, pointer: pkgAt });
        continue;
      }
      for (const [id, record] of Object.entries(entries)) {
        out.records++;
        const at = `${pkgAt}/${esc(id)}`;
        if (!ADVISORY_ID_RE.test(id)) {
          out.problems.push({ severity: 'error', code: 'bad-id', message: `${JSON.stringify(id.slice(0, 80))} is not a vulnerability id; entry skipped`, pointer: at });
          continue;
        }
        const problems = check(validateRecord, record, at);
        if (problems.length) {
          out.problems.push(...problems);
          continue;
        }
        const r = record as TrackerRecord;
        const affected = releasesOf(pkg, r, at, ctx, out.problems);
        const adv = byId.get(id) ?? newAdvisory(id, at, ctx);
        byId.set(id, adv);
        adv.affected.push(...affected);
        if (r.description && !adv.summary) adv.summary = trimText(r.description, 8192);
      }
    }
    for (const adv of byId.values()) {
      const packages = [...new Set(adv.affected.map((a) => a.package))];
      if (packages.length) adv.title = `${adv.id} in ${packages.slice(0, 5).join(', ')}${packages.length > 5 ? ', …' : ''}`;
      const open = adv.affected.filter((a) => a.status !== 'not-affected');
      adv.severity = maxSeverity((open.length ? open : adv.affected).map((a) => a.severity ?? 'unknown'));
      out.advisories.push(adv);
    }
    return out;
  },
};

function newAdvisory(id: string, at: string, ctx: NormalizeContext): Advisory {
  return {
    id,
    source: 'debian-tracker',
    aliases: [],
    modified: ctx.now,
    modifiedFrom: 'import',
    severity: 'unknown',
    references: [`https://security-tracker.debian.org/tracker/${id}`],
    affected: [],
    origin: { location: ctx.location, pointer: at },
  };
}

function releasesOf(pkg: string, r: TrackerRecord, at: string, ctx: NormalizeContext, problems: RawProblem[]): AffectedPackage[] {
  if (Array.isArray(r.releases)) return [];
  const out: AffectedPackage[] = [];
  for (const [codename, rel] of Object.entries(r.releases)) {
    const relAt = `${at}/releases/${esc(codename)}`;
    const ecosystem = debianRelease(codename);
    if (!ecosystem) {
      problems.push({ severity: 'warning', code: 'unknown-release', message: `'${codename}' is not a Debian release codename plumb knows; skipped`, pointer: relAt });
      continue;
    }
    const severity = ratingOf(rel.urgency);
    const urgencyNote = rel.urgency === 'end-of-life' ? 'end-of-life: no fix will come for this release' : undefined;
    const nodsa = rel.nodsa ? `no DSA: ${trimText(rel.nodsa, 200)}` : undefined;
    const note = [urgencyNote, nodsa].filter(Boolean).join('; ');
    const base = {
      ecosystem,
      package: pkg,
      packageKind: 'source',
      scheme: 'deb',
      ...(severity ? { severity } : {}),
      ...(note ? { note } : {}),
    } as const;
    if (rel.status === 'undetermined') out.push({ ...base, status: 'under-investigation' });
    else if (rel.status === 'open') out.push({ ...base, status: 'affected' });
    else if (rel.fixed_version === '0') {
      // "fixed in 0": the vulnerable code never shipped in this release.
      out.push({ ...base, status: 'not-affected' });
    } else if (rel.fixed_version === undefined) {
      problems.push({ severity: 'warning', code: 'no-fixed-version', message: `resolved in ${codename} without a fixed_version; skipped`, pointer: relAt });
    } else if (!ctx.isValidVersion('deb', rel.fixed_version)) {
      problems.push({ severity: 'error', code: 'bad-version', message: `fixed_version ${JSON.stringify(rel.fixed_version)} is not a valid Debian version; skipped`, pointer: `${relAt}/fixed_version` });
    } else out.push({ ...base, status: 'affected', fixed: rel.fixed_version, ranges: [{ fixed: rel.fixed_version }] });
  }
  return out;
}
