import { createHash } from 'node:crypto';
import type { Facts } from './types.js';

/**
 * A stable sha256 over the facts a plan is computed from, for refusing a stale plan. Left out because they
 * change without the host's configuration changing: gatheredAt, uptimeSeconds, listening sockets (ephemeral
 * listeners come and go; no action is planned from them) and services' `active` (a plan acts on the enabled
 * state). The list of unknown facts is in (by fact name, without the wording of the reason).
 */
export function factsDigest(facts: Facts): string {
  const planned = {
    host: facts.host,
    os: facts.os,
    kernel: facts.kernel,
    arch: facts.arch,
    platform: facts.platform,
    packages: facts.packages,
    held: facts.held,
    files: facts.files,
    dirs: facts.dirs,
    settings: facts.settings,
    services: Object.fromEntries(Object.entries(facts.services).map(([k, v]) => [k, v.state])),
    sysctl: facts.sysctl,
    sysctlBoot: facts.sysctlBoot,
    kernelModules: facts.kernelModules,
    rebootRequired: facts.rebootRequired,
    rebootPackages: [...facts.rebootPackages].sort(),
    unknown: [...new Set(facts.unknown.map((u) => u.fact))].sort(),
  };
  return createHash('sha256').update(canonical(planned)).digest('hex');
}

/** JSON with object keys sorted at every level, so that key order never changes the digest. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // One string built in place: a fleet's plan digests every host's facts, packages and all.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonical(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of Object.keys(obj).sort()) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonical(v)}`;
    first = false;
  }
  return `${out}}`;
}
