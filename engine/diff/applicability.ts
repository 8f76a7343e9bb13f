import type { Facts } from '../facts/types.js';
import type { HostEntry, Platform, RemediationEntry } from '../model/types.js';
import { satisfies, satisfiesOsVersion, schemeForOs } from '../versioning/index.js';

export type Applicability = { applies: true; matched?: { package: string; version: string } } | { applies: false; why: string };

export function platformMatches(platform: Platform | undefined, facts: Facts): boolean {
  if (!platform) return true;
  if (!facts.os) return false;
  if (facts.os.id !== platform.os) return false;
  return platform.versions ? satisfiesOsVersion(facts.os.versionId, platform.versions) : true;
}

/**
 * Whether a remediation concerns a host: every condition of its selector must hold. A package condition matches
 * the binary package by name, or, with `source: true`, every installed binary built from that source package,
 * compared by source version — which is how Debian advisories name what is affected.
 */
export function remediationApplies(r: RemediationEntry, host: HostEntry, facts: Facts): Applicability {
  const s = r.selector;
  if (s.hosts && !s.hosts.includes(host.name)) return { applies: false, why: 'host not selected' };
  if (s.systems && !s.systems.includes(host.system)) return { applies: false, why: 'system not selected' };
  if (s.tags && !s.tags.some((t) => host.tags?.includes(t))) return { applies: false, why: 'no selected tag' };
  if (s.platforms && !s.platforms.some((p) => platformMatches(p, facts))) return { applies: false, why: 'platform not selected' };
  if (!s.package) return { applies: true };
  if (!facts.packages) return { applies: false, why: 'installed packages unknown' };
  const scheme = facts.os ? schemeForOs(facts.os.id) : null;
  if (!scheme) return { applies: false, why: 'no version scheme for this OS' };
  const range = s.package.affected ?? '*';
  for (const p of Object.values(facts.packages)) {
    if (p.status !== 'installed' && p.status !== 'half-configured' && p.status !== 'unpacked') continue;
    const name = s.package.source ? p.source : p.name;
    if (name !== s.package.name) continue;
    const version = s.package.source ? p.sourceVersion : p.version;
    if (satisfies(scheme, version, range)) return { applies: true, matched: { package: p.name, version } };
  }
  return { applies: false, why: `${s.package.name} not installed in an affected version` };
}
