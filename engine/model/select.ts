import { UnknownObject } from '../errors/index.js';
import type { HostEntry, Model } from './types.js';

export interface HostFilter {
  host?: string[] | string;
  system?: string;
  ring?: string;
}

/** The hosts a command acts on: every host, or those named, or one system's, or one ring's (filters combine). */
export function selectHosts(model: Model, f: HostFilter): HostEntry[] {
  const names = f.host === undefined ? [] : Array.isArray(f.host) ? f.host : [f.host];
  for (const n of names) if (!model.hosts.has(n)) throw new UnknownObject('host', n, [...model.hosts.keys()]);
  if (f.system && !model.systems.has(f.system)) throw new UnknownObject('system', f.system, [...model.systems.keys()]);
  if (f.ring && !model.rings.some((r) => r.name === f.ring)) throw new UnknownObject('ring', f.ring, model.rings.map((r) => r.name));
  return [...model.hosts.values()].filter(
    (h) => (!names.length || names.includes(h.name)) && (!f.system || h.system === f.system) && (!f.ring || h.ring === f.ring),
  );
}
