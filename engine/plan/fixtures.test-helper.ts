import { createHash } from 'node:crypto';
import type { Facts } from '../facts/types.js';
import { requirementsFor } from '../diff/requirements.js';
import type { HostEntry, Model } from '../model/types.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');

/**
 * Facts of a host that meets every requirement of its baseline: the starting point unit tests then spoil by hand.
 * (A fake is fine for unit tests of the pure diff; the proof on real hosts is in test/plan.)
 */
export function compliantFacts(model: Model, host: HostEntry, extraPackages: Record<string, [string, string?, string?]> = {}, opts: { remediations?: boolean } = {}): Facts {
  const facts: Facts = {
    host: host.name,
    gatheredAt: '2026-11-25T10:00:00Z',
    os: { id: 'debian', versionId: '12', versionCodename: 'bookworm' },
    kernel: '6.1.0-27-amd64',
    arch: 'amd64',
    platform: 'apt',
    packages: {},
    held: [],
    files: {},
    settings: {},
    services: {},
    sysctl: {},
    listening: [],
    rebootRequired: false,
    rebootPackages: [],
    uptimeSeconds: 1000,
    unknown: [],
  };
  // By default the baseline only: remediations are what tests make hosts need.
  for (const r of requirementsFor(opts.remediations ? model : { ...model, remediations: new Map() }, host, facts)) {
    switch (r.type) {
      case 'package-present':
        facts.packages![r.name] = { name: r.name, version: r.version ?? r.minVersion ?? '1.0-1', arch: 'amd64', status: 'installed', source: r.name, sourceVersion: r.version ?? r.minVersion ?? '1.0-1' };
        break;
      case 'file':
        facts.files[r.path] = { exists: true, type: 'file', mode: r.mode ?? '0644', owner: r.owner ?? 'root', group: r.group ?? 'root', sha256: r.content !== undefined ? sha(r.content) : sha('x') };
        break;
      case 'setting':
        (facts.settings[r.file] ??= {})[r.key] = r.value;
        break;
      case 'service':
        facts.services[r.unit] = { state: r.state, active: 'unknown' };
        break;
      case 'sysctl':
        facts.sysctl[r.key] = r.value;
        break;
      default:
        break;
    }
  }
  for (const [name, [version, source, sourceVersion]] of Object.entries(extraPackages)) {
    facts.packages![name] = { name, version, arch: 'amd64', status: 'installed', source: source ?? name, sourceVersion: sourceVersion ?? version };
  }
  return facts;
}
