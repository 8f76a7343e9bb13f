import type { Command } from 'commander';
import { ensureImage, hostExec, labDown, labStatuses, labUp, readLab, resetHost, streamProgress, type LabInfo, type LabStatus } from '../../lab/index.js';
import { shellJoin } from '../../transport/shell.js';
import { colours, plural, printJson } from '../output.js';

interface Common {
  name?: string;
  stateDir?: string;
  cacheDir?: string;
  json?: boolean;
}

const progressFor = () => streamProgress(process.stderr);
const nameFlag = (name: string) => (name === 'default' ? '' : ` --name ${name}`);

export async function imageAction(o: Common & { release: string; rebuild?: boolean; refreshMirror?: boolean; debianMirror?: string; securityMirror?: string }) {
  const r = await ensureImage({ ...o, progress: progressFor() });
  if (o.json) return printJson({ image: r.image, imageCached: r.imageCached, packages: r.manifest.packages.length, mirror: { ...r.mirror.info, dir: r.mirror.repo, cached: r.mirror.cached } });
  const c = colours();
  process.stdout.write(`image ${c.bold(`${r.image.release}-${r.image.hash}`)} ${r.imageCached ? '(cached)' : '(built)'}: ${r.image.rootfs}, ${plural(r.manifest.packages.length, 'package')}\n`);
  process.stdout.write(`mirror ${r.mirror.info.codename} ${r.mirror.cached ? '(cached)' : '(built)'}: ${plural(r.mirror.info.securityUpdates.length, 'security update')}, ${plural(r.mirror.info.testPackages.length, 'test package')}\n`);
  for (const u of r.mirror.info.securityUpdates) {
    process.stdout.write(`  ${u.package.padEnd(22)} ${u.imageVersion} → ${u.fixedVersion}${u.cves.length ? c.dim(`  ${u.cves.slice(0, 4).join(' ')}${u.cves.length > 4 ? ` +${u.cves.length - 4}` : ''}`) : ''}\n`);
  }
}

export async function upAction(o: Common & { hosts: number; behindBastion: number; system: string; baseline: string; rings: string; inventoryOut?: string; mirrorPort: number; subnet?: string; release: string; replace?: boolean }) {
  const info = await labUp({ ...o, progress: progressFor() });
  if (o.json) return printJson(info);
  printLab(info);
}

export async function downAction(o: Common & { all?: boolean; name: string }) {
  const targets = o.all ? (await labStatuses({ stateDir: o.stateDir, cacheDir: o.cacheDir })).map((s) => s.name) : [o.name];
  const results = [];
  for (const name of targets) results.push(await labDown({ ...o, name, progress: progressFor() }));
  if (o.json) return printJson(results);
  for (const r of results) {
    process.stdout.write(r.wasUp ? `lab '${r.name}' removed (${plural(r.removed.length, 'object')}: ${summarize(r.removed)})\n` : `lab '${r.name}': nothing to remove\n`);
  }
}

export async function statusAction(o: Common, cmd: Command) {
  const named = cmd.getOptionValueSource('name') === 'cli';
  const statuses = await labStatuses({ ...o, name: named ? o.name : undefined });
  if (o.json) printJson(statuses);
  else printStatuses(statuses, named);
  process.exitCode = statuses.every((s) => s.status === 'up') ? 0 : 3;
}

export async function execAction(host: string, command: string[], o: Common) {
  const script = command.length === 1 ? command[0]! : shellJoin(command);
  const r = await hostExec(readLab(o), host, script);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}

export async function resetAction(host: string, o: Common) {
  await resetHost({ ...o, host });
  process.stdout.write(`${host} reset to the standard image\n`);
}


const MANY: Record<string, string> = { process: 'processes', netns: 'network namespaces', link: 'links', directory: 'directories', file: 'files', mount: 'mounts' };
const ONE: Record<string, string> = { netns: 'network namespace' };

function summarize(removed: string[]): string {
  const kinds = new Map<string, number>();
  for (const r of removed) kinds.set(r.split(' ')[0]!, (kinds.get(r.split(' ')[0]!) ?? 0) + 1);
  return [...kinds].map(([k, n]) => plural(n, ONE[k] ?? k, MANY[k] ?? `${k}s`)).join(', ');
}

function printLab(info: LabInfo): void {
  const c = colours();
  const w = Math.max(4, ...info.hosts.map((h) => h.name.length));
  process.stdout.write(`\nlab '${info.name}' is up: ${plural(info.hosts.length, 'host')} on ${info.subnet}, mirror ${info.mirror.url} (${info.mirror.codename}, ${plural(info.mirror.securityUpdates.length, 'security update')})\n`);
  process.stdout.write(c.dim(`  ${'NAME'.padEnd(w)}  ${'ADDRESS'.padEnd(15)}  ${'RING'.padEnd(8)}  HOST KEY (ed25519)\n`));
  for (const h of info.hosts) process.stdout.write(`  ${h.name.padEnd(w)}  ${h.address.padEnd(15)}  ${h.ring.padEnd(8)}  ${h.fingerprints[0] ?? ''}\n`);
  process.stdout.write(`\n  ssh        ssh -F ${info.sshConfigPath} ${info.hosts[0]?.name ?? ''}\n`);
  process.stdout.write(`  inventory  ${info.inventoryPath}${info.inventoryOut ? ` (and ${info.inventoryOut.path})` : ''}\n`);
  process.stdout.write(`  remove     plumb lab down${nameFlag(info.name)}\n`);
}

function printStatuses(statuses: LabStatus[], named: boolean): void {
  const c = colours();
  if (!statuses.length) {
    process.stdout.write(named ? '' : 'no labs (start one with `plumb lab up`)\n');
    return;
  }
  for (const s of statuses) {
    const tint = s.status === 'up' ? c.green : s.status === 'down' ? c.dim : c.yellow;
    const info = s.info;
    process.stdout.write(`lab '${s.name}': ${tint(s.status)}${info ? ` — ${plural(info.hosts.length, 'host')} on ${info.subnet}, mirror ${info.mirror.url} ${s.mirror.running ? '(running)' : c.red('(not running)')}` : ''}\n`);
    if (info && s.status !== 'failed') {
      const w = Math.max(4, ...info.hosts.map((h) => h.name.length));
      for (const h of info.hosts) {
        const hs = s.hosts.find((x) => x.name === h.name);
        const state = hs?.sshReachable ? c.green('running') : hs?.running ? c.yellow('no sshd') : c.red('stopped');
        process.stdout.write(`  ${h.name.padEnd(w)}  ${h.address.padEnd(15)}  ${h.ring.padEnd(8)}  ${state}  pid ${h.initPid ?? '-'}\n`);
      }
    }
    for (const p of s.problems) process.stdout.write(`  ${c.yellow('!')} ${p}\n`);
  }
}
