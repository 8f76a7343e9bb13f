import type { AdvisoryIndex } from '../../advisories/match.js';
import { candidateReleases } from '../../advisories/ecosystem.js';
import { platformMatches } from '../../diff/applicability.js';
import type { Facts } from '../../facts/types.js';
import type { HostEntry, Model } from '../../model/types.js';

/**
 * The inventory views of SP 800-40 2.2: what each resource is (inventory fields joined with gathered facts), what
 * the program covers (OS releases and software named by baselines and advisories), and what hosts run that it does
 * not cover. Pure: model, facts and the advisory index in, plain values out.
 */

const PRESENT = new Set(['installed', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaiting', 'triggers-pending']);
const ENABLED = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'generated']);

export interface ResourceRow {
  host: string;
  address: string;
  system: string;
  impact: string;
  ring: string;
  baseline: string;
  criticality?: string;
  tags: string[];
  owner?: string;
  administrators: string[];
  location?: string;
  propertyNumber?: string;
  /** Marked compromised: quarantined until rebuilt (SP 800-40 4.4). */
  quarantined?: { since: string; reason: string; ticket?: string };
  /** Gathered; absent when the host was not examined (`error`) or facts were not asked for. */
  facts?: {
    os: string | null;
    kernel: string | null;
    arch: string | null;
    packages: number | null;
    /** Services the desired state asks about that are enabled (gathered per request, not every unit on the host). */
    enabledServices: string[];
    /** Network services: listening sockets as proto/port, with the process when known. */
    listening: string[] | null;
    rebootRequired: boolean | null;
    gatheredAt: string;
  };
  error?: { code: string; message: string };
}

export interface SystemView {
  name: string;
  impact: string;
  owner: string;
  securityOfficer?: string;
  administrators: string[];
  description?: string;
  hosts: ResourceRow[];
}

/** The systems named (every system of the model by default, hosts or not), each with its hosts among `hosts`. */
export function resourceList(model: Model, hosts: readonly HostEntry[], facts: Map<string, Facts> | null, errors: Map<string, { code: string; message: string }>, only?: string): SystemView[] {
  const systems = new Map<string, SystemView>();
  const viewOf = (name: string): SystemView => {
    let view = systems.get(name);
    if (!view) {
      const s = model.systems.get(name);
      view = { name, impact: s?.impact ?? '?', owner: s?.owner ?? '?', ...(s?.security_officer ? { securityOfficer: s.security_officer } : {}), administrators: s?.administrators ?? [], ...(s?.description ? { description: s.description } : {}), hosts: [] };
      systems.set(name, view);
    }
    return view;
  };
  for (const name of only ? [only] : model.systems.keys()) viewOf(name);
  for (const h of hosts) {
    if (only && h.system !== only) continue;
    const view = viewOf(h.system);
    const row: ResourceRow = {
      host: h.name,
      address: h.port && h.port !== 22 ? `${h.address}:${h.port}` : h.address,
      system: h.system,
      impact: view.impact,
      ring: h.ring,
      baseline: h.baseline,
      ...(h.criticality ? { criticality: h.criticality } : {}),
      tags: h.tags ?? [],
      ...(h.owner ? { owner: h.owner } : {}),
      administrators: view.administrators,
      ...(h.location ? { location: h.location } : {}),
      ...(h.property_number ? { propertyNumber: h.property_number } : {}),
      ...(h.compromised ? { quarantined: h.compromised } : {}),
    };
    const f = facts?.get(h.name);
    if (f) row.facts = factsRow(f);
    else if (facts) row.error = errors.get(h.name) ?? { code: 'E_NO_FACTS', message: 'no facts' };
    view.hosts.push(row);
  }
  for (const v of systems.values()) v.hosts.sort((a, b) => a.host.localeCompare(b.host));
  return [...systems.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function factsRow(f: Facts): NonNullable<ResourceRow['facts']> {
  const listening = f.listening ? [...new Set(f.listening.map((l) => `${l.proto}/${l.port}${l.process ? ` (${l.process})` : ''}`))].sort((a, b) => portOf(a) - portOf(b) || a.localeCompare(b)) : null;
  return {
    os: f.os ? (f.os.prettyName ?? `${f.os.id} ${f.os.versionId}`) : null,
    kernel: f.kernel,
    arch: f.arch,
    packages: f.packages ? Object.values(f.packages).filter((p) => PRESENT.has(p.status)).length : null,
    enabledServices: Object.entries(f.services).filter(([, s]) => ENABLED.has(s.state)).map(([u]) => u).sort(),
    listening,
    rebootRequired: f.rebootRequired,
    gatheredAt: f.gatheredAt,
  };
}

const portOf = (s: string) => Number(/\/(\d+)/.exec(s)?.[1] ?? 0);

export interface SupportedView {
  /** OS releases the standard configurations cover, with the baselines that name them. */
  platforms: Array<{ os: string; versions: string; baselines: string[] }>;
  /** Releases the advisory store has advisories for. */
  advisoryReleases: Array<{ os: string; release: string; packages: number }>;
  /** Software the baselines require (with the version they ask for) or forbid. */
  baselinePackages: Array<{ name: string; required: string[]; forbidden: string[]; versions: string[] }>;
  /** Packages the advisories cover, per release (source packages for Debian and Ubuntu, binaries for RPM). */
  advisoryPackages: Array<{ os: string; release: string; package: string; kind: 'source' | 'binary' }>;
}

export function supported(model: Model, index: AdvisoryIndex): SupportedView {
  const platforms = new Map<string, SupportedView['platforms'][number]>();
  const pkgs = new Map<string, SupportedView['baselinePackages'][number]>();
  for (const b of model.resolvedBaselines.values()) {
    if (b.platform) {
      const key = `${b.platform.os}\u0000${b.platform.versions ?? '*'}`;
      const p = platforms.get(key) ?? { os: b.platform.os, versions: b.platform.versions ?? '*', baselines: [] };
      p.baselines.push(b.name);
      platforms.set(key, p);
    }
    const entry = (name: string) => pkgs.get(name) ?? { name, required: [], forbidden: [], versions: [] };
    for (const r of b.packages.required) {
      const e = entry(r.name);
      e.required.push(b.name);
      const v = r.version ? `= ${r.version}` : r.min_version ? `>= ${r.min_version}` : undefined;
      if (v && !e.versions.includes(v)) e.versions.push(v);
      pkgs.set(r.name, e);
    }
    for (const f of b.packages.forbidden) {
      const e = entry(f.name);
      e.forbidden.push(b.name);
      pkgs.set(f.name, e);
    }
  }
  const advisoryReleases: SupportedView['advisoryReleases'] = [];
  const advisoryPackages: SupportedView['advisoryPackages'] = [];
  for (const [key, rel] of index.releases) {
    const [os, release] = key.split('\u0000') as [string, string];
    advisoryReleases.push({ os, release, packages: rel.source.size + rel.binary.size });
    for (const name of rel.source.keys()) advisoryPackages.push({ os, release, package: name, kind: 'source' });
    for (const name of rel.binary.keys()) advisoryPackages.push({ os, release, package: name, kind: 'binary' });
  }
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    platforms: [...platforms.values()].map((p) => ({ ...p, baselines: p.baselines.sort() })).sort((a, b) => a.os.localeCompare(b.os) || a.versions.localeCompare(b.versions)),
    advisoryReleases: advisoryReleases.sort((a, b) => a.os.localeCompare(b.os) || a.release.localeCompare(b.release, undefined, { numeric: true })),
    baselinePackages: [...pkgs.values()].map((p) => ({ ...p, required: p.required.sort(), forbidden: p.forbidden.sort() })).sort(byName),
    advisoryPackages: advisoryPackages.sort((a, b) => a.os.localeCompare(b.os) || a.release.localeCompare(b.release, undefined, { numeric: true }) || a.package.localeCompare(b.package)),
  };
}

export interface UnsupportedView {
  /** Hosts whose OS release no baseline platform and no advisory release covers. */
  hosts: Array<{ host: string; system: string; os: string | null }>;
  /** Installed software no baseline names and no stored advisory covers, per source package, most widespread first. */
  packages: Array<{ source: string; binaries: string[]; versions: string[]; hosts: number; systems: string[]; examples: string[] }>;
  /** How many distinct source packages the examined hosts have installed, for scale. */
  installedSources: number;
  examined: number;
}

const EXAMPLES = 5;

export function unsupported(model: Model, index: AdvisoryIndex, hosts: readonly HostEntry[], facts: Map<string, Facts>): UnsupportedView {
  const named = new Set<string>();
  for (const b of model.resolvedBaselines.values()) {
    for (const r of b.packages.required) named.add(r.name);
    for (const f of b.packages.forbidden) named.add(f.name);
  }
  const out: UnsupportedView = { hosts: [], packages: [], installedSources: 0, examined: 0 };
  const found = new Map<string, { source: string; binaries: Set<string>; versions: Set<string>; hosts: Set<string>; systems: Set<string> }>();
  const sources = new Set<string>();
  for (const h of hosts) {
    const f = facts.get(h.name);
    if (!f) continue;
    out.examined++;
    const rels = f.os ? candidateReleases(f.os.versionId).map((r) => index.releases.get(`${f.os!.id}\u0000${r}`)).filter((r) => r !== undefined) : [];
    const baselinePlatform = [...model.resolvedBaselines.values()].some((b) => b.platform && platformMatches(b.platform, f));
    if (!rels.length && !baselinePlatform) out.hosts.push({ host: h.name, system: h.system, os: f.os ? `${f.os.id} ${f.os.versionId}` : null });
    for (const p of Object.values(f.packages ?? {})) {
      if (!PRESENT.has(p.status)) continue;
      const src = p.source || p.name;
      sources.add(src);
      if (named.has(p.name)) continue;
      if (rels.some((r) => r.source.has(src) || r.binary.has(p.name))) continue;
      let e = found.get(src);
      if (!e) found.set(src, (e = { source: src, binaries: new Set(), versions: new Set(), hosts: new Set(), systems: new Set() }));
      e.binaries.add(p.name);
      e.versions.add(p.sourceVersion || p.version);
      e.hosts.add(h.name);
      e.systems.add(h.system);
    }
  }
  out.installedSources = sources.size;
  out.packages = [...found.values()]
    .map((e) => ({ source: e.source, binaries: [...e.binaries].sort(), versions: [...e.versions].sort(), hosts: e.hosts.size, systems: [...e.systems].sort(), examples: [...e.hosts].sort().slice(0, EXAMPLES) }))
    .sort((a, b) => b.hosts - a.hosts || a.source.localeCompare(b.source));
  out.hosts.sort((a, b) => a.host.localeCompare(b.host));
  return out;
}
