import { normalizeMac } from '../model/rules/mac-addresses.js';
import type { HostEntry } from '../model/types.js';

/**
 * Finds a host by what a network device knows of it: its inventory name, its address, or one of its MAC addresses
 * (in any of the usual spellings). Names win over addresses, so a host cannot be shadowed by another host's address.
 */
export class HostLookup {
  private readonly byName = new Map<string, string>();
  private readonly byAddress = new Map<string, string>();
  private readonly byMac = new Map<string, string>();

  constructor(hosts: Iterable<HostEntry>) {
    for (const h of hosts) {
      this.byName.set(h.name, h.name);
      if (!this.byAddress.has(h.address.toLowerCase())) this.byAddress.set(h.address.toLowerCase(), h.name);
      for (const m of h.mac_addresses ?? []) {
        const mac = normalizeMac(m);
        if (mac && !this.byMac.has(mac)) this.byMac.set(mac, h.name);
      }
    }
  }

  /** The host's name, or undefined. */
  find(id: string): string | undefined {
    const mac = normalizeMac(id);
    if (mac) return this.byMac.get(mac) ?? this.byName.get(id);
    return this.byName.get(id) ?? this.byAddress.get(id.toLowerCase());
  }
}
