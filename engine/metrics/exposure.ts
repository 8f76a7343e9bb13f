import type { ListeningSocket } from '../facts/types.js';
import type { HostEntry } from '../model/types.js';
import type { PerimeterRule, ProgramSettings } from './types.js';

/** One network service of a host: a port and protocol something listens on beyond loopback. */
export interface Service {
  port: number;
  proto: 'tcp' | 'udp';
  process?: string;
  weight: number;
  /** Reached from outside the perimeter. */
  exposed: boolean;
}

export interface HostExposure {
  /** Null when the host's listening sockets could not be gathered. */
  services: Service[] | null;
  /** Vulnerabilities and patches of this host count as exposed. */
  exposed: boolean;
  internetFacing: boolean;
  /** Names (or 1-based positions) of the perimeter rules that select the host. */
  rules: string[];
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.|localhost$)/;

/** Sockets bound only to loopback cannot be reached from the network: they are not network services. */
export function isNetworkSocket(s: ListeningSocket): boolean {
  const addr = s.address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return !LOOPBACK.test(addr);
}

export function selects(rule: PerimeterRule, host: HostEntry): boolean {
  if (rule.systems && !rule.systems.includes(host.system)) return false;
  if (rule.hosts && !rule.hosts.includes(host.name)) return false;
  if (rule.tags && !rule.tags.some((t) => host.tags?.includes(t))) return false;
  return true;
}

/** `443/tcp`, `8000-8100/tcp`: does the spec let this port through? */
export function allows(spec: string, port: number, proto: string): boolean {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?\/(tcp|udp)$/.exec(spec);
  if (!m || m[3] !== proto) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return port >= lo && port <= hi;
}

/**
 * Exposure, the second way of counting (SP 800-40 section 3: once ignoring the perimeter, once taking it into
 * account). A host is internet-facing when it carries an exposure tag. Perimeter rules that select a host say which
 * inbound ports get through to it; with no rule, an internet-facing host is reachable on every port and any other
 * host on none. A service is exposed when it gets through; a host is exposed when one of its services is — or,
 * when its sockets are unknown, when anything could get through to it (unknown is never counted as safe).
 */
export function hostExposure(host: HostEntry, listening: ListeningSocket[] | null, settings: Pick<ProgramSettings, 'perimeter' | 'exposureTags' | 'serviceWeights'>): HostExposure {
  const internetFacing = settings.exposureTags.some((t) => host.tags?.includes(t));
  const applying = settings.perimeter.map((r, i) => [r, r.name ?? `#${i + 1}`] as const).filter(([r]) => selects(r, host));
  const through = (port: number, proto: string): boolean => (applying.length ? applying.some(([r]) => r.allow.some((a) => allows(a, port, proto))) : internetFacing);
  const rules = applying.map(([, n]) => n);
  if (listening === null) {
    const anything = applying.length ? applying.some(([r]) => r.allow.length > 0) : internetFacing;
    return { services: null, exposed: anything, internetFacing, rules };
  }
  const seen = new Map<string, Service>();
  for (const s of listening) {
    if (!isNetworkSocket(s)) continue;
    const key = `${s.port}/${s.proto}`;
    if (seen.has(key)) continue;
    seen.set(key, { port: s.port, proto: s.proto, ...(s.process ? { process: s.process } : {}), weight: settings.serviceWeights[key] ?? 1, exposed: through(s.port, s.proto) });
  }
  const services = [...seen.values()].sort((a, b) => a.port - b.port || (a.proto < b.proto ? -1 : 1));
  return { services, exposed: services.some((s) => s.exposed), internetFacing, rules };
}
