import { stringify } from 'yaml';
import type { LabHost } from './types.js';

/** What people and tools need to reach the hosts, rendered from the lab's records. Pure. */

export function sourcesLine(url: string, codename: string, keyring: string): string {
  return `deb [signed-by=${keyring}] ${url} ${codename} main`;
}

/** known_hosts: each host under its name and its address, every host key. */
export function knownHosts(hosts: LabHost[]): string {
  const lines: string[] = [];
  for (const h of hosts) {
    const names = [h.port === 22 ? h.address : `[${h.address}]:${h.port}`, h.port === 22 ? h.name : `[${h.name}]:${h.port}`].join(',');
    for (const k of h.hostKeys) lines.push(`${names} ${k}`);
  }
  return `${lines.join('\n')}\n`;
}

export function sshConfig(hosts: LabHost[], keyPath: string, knownHostsPath: string, lab: string): string {
  const blocks = hosts.map(
    (h) => `Host ${h.name} ${h.address}
  HostName ${h.address}
  Port ${h.port}
  User root
  IdentityFile ${keyPath}
  IdentitiesOnly yes
  UserKnownHostsFile ${knownHostsPath}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  LogLevel ERROR
${h.behind ? `  ProxyJump ${h.behind}\n` : ''}`,
  );
  return `# plumb lab '${lab}': ssh -F <this file> ${hosts[0]?.name ?? 'HOST'}\n${blocks.join('\n')}`;
}

export interface InventoryOptions {
  system: string;
  baseline: string;
  keyPath: string;
  lab: string;
  /** Hosts behind the bastion are reached through this ssh_config (the lab's own, with ProxyJump). */
  sshConfig?: string;
}

/** The lab hosts as an inventory document (engine/model/schema/inventory.schema.json). */
export function inventoryYaml(hosts: LabHost[], opts: InventoryOptions): string {
  const doc = {
    ...(opts.sshConfig ? { ssh_config: opts.sshConfig } : {}),
    hosts: hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      user: 'root',
      identity_file: opts.keyPath,
      host_keys: h.fingerprints,
      system: opts.system,
      baseline: opts.baseline,
      ring: h.ring,
      tags: ['lab'],
      location: `plumb lab ${opts.lab} (netns ${h.netns}${h.behind ? `, behind ${h.behind}` : ''})`,
    })),
  };
  const head = `# Hosts of plumb lab '${opts.lab}', written by \`plumb lab up\`; removed again by \`plumb lab down\`.\n# Host keys are fresh at every \`up\`: they are pinned here (host_keys) and in the lab's known_hosts.\n`;
  return head + stringify(doc, { lineWidth: 0 });
}
