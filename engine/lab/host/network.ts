import { existsSync, writeFileSync } from 'node:fs';
import { run, tryRun } from '../proc.js';

/**
 * The lab network: one bridge on the control machine holding the control address (.1), and per host a
 * network namespace joined to the bridge by a veth. Bridge ports are isolated (hosts cannot reach each
 * other, only the control machine), hosts get no default route, and the bridge does not forward: a host
 * reaches nothing but the control machine.
 */

const ip = (args: string[], what: string) => run('ip', args, { what, hint: 'see `ip` in the message above; `plumb lab down` removes what was made so far' });

function sysctl(path: string, value: string): void {
  if (existsSync(path)) writeFileSync(path, value);
}

export async function createBridge(bridge: string, controlCidr: string): Promise<void> {
  await ip(['link', 'add', bridge, 'type', 'bridge'], `creating the lab bridge ${bridge}`);
  // No forwarding from the lab network even if this machine routes: hosts must reach nothing beyond it.
  sysctl(`/proc/sys/net/ipv4/conf/${bridge}/forwarding`, '0');
  sysctl(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`, '1');
  await ip(['addr', 'add', controlCidr, 'dev', bridge], `addressing the lab bridge ${bridge}`);
  await ip(['link', 'set', bridge, 'up'], `bringing up the lab bridge ${bridge}`);
}

/**
 * The network behind the bastion: a second bridge with no address on the control machine (so the control
 * machine has no route into it), the bastion joined to it by a second veth (its eth1, not isolated), and the
 * hidden hosts' ports isolated: they reach the bastion and nothing else, and only the bastion reaches them.
 */
export async function createHiddenNetwork(bridge: string, bastionNetns: string, bastionVeth: string, bastionCidr: string): Promise<void> {
  await ip(['link', 'add', bridge, 'type', 'bridge'], `creating the hidden bridge ${bridge}`);
  sysctl(`/proc/sys/net/ipv4/conf/${bridge}/forwarding`, '0');
  sysctl(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`, '1');
  await ip(['link', 'set', bridge, 'up'], `bringing up the hidden bridge ${bridge}`);
  await ip(['link', 'add', bastionVeth, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', bastionNetns], `creating veth ${bastionVeth}`);
  sysctl(`/proc/sys/net/ipv6/conf/${bastionVeth}/disable_ipv6`, '1');
  await ip(['link', 'set', bastionVeth, 'master', bridge], `attaching ${bastionVeth} to ${bridge}`);
  await ip(['link', 'set', bastionVeth, 'up'], `bringing up ${bastionVeth}`);
  await ip(['-n', bastionNetns, 'addr', 'add', bastionCidr, 'dev', 'eth1'], `addressing eth1 in ${bastionNetns}`);
  await ip(['-n', bastionNetns, 'link', 'set', 'eth1', 'up'], `bringing up eth1 in ${bastionNetns}`);
}

export async function createHostNetwork(netns: string, veth: string, bridge: string, hostCidr: string): Promise<void> {
  await ip(['netns', 'add', netns], `creating network namespace ${netns}`);
  await ip(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns], `creating veth ${veth}`);
  sysctl(`/proc/sys/net/ipv6/conf/${veth}/disable_ipv6`, '1');
  await ip(['link', 'set', veth, 'master', bridge], `attaching ${veth} to ${bridge}`);
  await ip(['link', 'set', 'dev', veth, 'type', 'bridge_slave', 'isolated', 'on'], `isolating ${veth}`);
  await ip(['link', 'set', veth, 'up'], `bringing up ${veth}`);
  await ip(['-n', netns, 'addr', 'add', hostCidr, 'dev', 'eth0'], `addressing eth0 in ${netns}`);
  await ip(['-n', netns, 'link', 'set', 'eth0', 'up'], `bringing up eth0 in ${netns}`);
  await ip(['-n', netns, 'link', 'set', 'lo', 'up'], `bringing up lo in ${netns}`);
}

export async function listNetns(): Promise<string[]> {
  const r = await tryRun('ip', ['-j', 'netns', 'list']);
  if (r.code !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as Array<{ name: string }>).map((n) => n.name);
}

export async function listLinks(): Promise<string[]> {
  const r = await tryRun('ip', ['-j', 'link', 'show']);
  if (r.code !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as Array<{ ifname: string }>).map((l) => l.ifname);
}

/** PIDs of every process in a named network namespace (how `down` finds processes an interrupted `up` never recorded). */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await tryRun('ip', ['netns', 'pids', netns]);
  return r.code === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

export async function deleteNetns(netns: string): Promise<boolean> {
  return (await tryRun('ip', ['netns', 'del', netns])).code === 0;
}

export async function deleteLink(name: string): Promise<boolean> {
  return (await tryRun('ip', ['link', 'del', name])).code === 0;
}

export async function routesAndAddresses(): Promise<{ routes: string; addrs: string }> {
  const [routes, addrs] = await Promise.all([tryRun('ip', ['-j', '-4', 'route', 'show', 'table', 'all']), tryRun('ip', ['-j', '-4', 'addr', 'show'])]);
  return { routes: routes.stdout, addrs: addrs.stdout };
}
