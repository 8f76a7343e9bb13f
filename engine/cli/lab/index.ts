import { type Command, Option } from 'commander';
import { UsageError } from '../../errors/index.js';
import { ensureImage, hostExec, labDown, labStatuses, labUp, readLab, resetHost, streamProgress, type LabInfo, type LabStatus } from '../../lab/index.js';
import { shellJoin } from '../../transport/shell.js';
import { colours, plural, printJson } from '../output.js';

interface Common {
  name?: string;
  stateDir?: string;
  cacheDir?: string;
  json?: boolean;
}

const int = (flag: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} takes a whole number: got '${v}'`);
  return Number(v);
};

function common(cmd: Command, withName = true): Command {
  if (withName) cmd.option('--name <lab>', 'which lab (several can exist at once)', 'default');
  return cmd
    .addOption(new Option('--state-dir <dir>', 'where labs keep their state').env('PLUMB_LAB_STATE_DIR').default('/var/lib/plumbline/lab'))
    .addOption(new Option('--cache-dir <dir>', 'where images and mirrors are cached').env('PLUMB_LAB_CACHE_DIR').default('/var/cache/plumbline/lab'));
}

const progressFor = () => streamProgress(process.stderr);
const nameFlag = (name: string) => (name === 'default' ? '' : ` --name ${name}`);

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('disposable real Debian hosts and a signed patch mirror, to test remediations before rollout (SP 800-40 2.6)')
    .addHelpText(
      'after',
      `
A lab is N hosts made from one cached Debian image (debootstrap minbase + openssh-server), each an
overlay copy in its own network namespace running the image's real sshd with fresh host keys, plus an
internal signed apt mirror (real security updates for the image, and test packages) that is each host's
only package source. Hosts reach nothing but this machine. Needs root.

Examples:
  plumb lab up --hosts 3                  start the default lab (builds the image the first time)
  ssh -F /var/lib/plumbline/lab/default/ssh_config lab-1
  plumb lab status
  plumb lab down                          remove everything the lab made`,
    );

  common(lab.command('image').description('build the standard image and its signed mirror, or reuse the cached ones'), false)
    .option('--release <codename>', 'Debian release', 'bookworm')
    .option('--rebuild', 'build the image and mirror again even if cached')
    .option('--refresh-mirror', 'rebuild only the mirror (picks up security updates published since)')
    .addOption(new Option('--debian-mirror <url>', 'Debian archive to bootstrap from').env('PLUMB_LAB_DEBIAN_MIRROR'))
    .addOption(new Option('--security-mirror <url>', 'Debian security archive the updates come from').env('PLUMB_LAB_SECURITY_MIRROR'))
    .option('--json', 'print the image and mirror as JSON')
    .addHelpText(
      'after',
      `
The image is cached under --cache-dir, keyed by a hash of its recipe (release, packages, configure
script), and rebuilt only when the recipe changes or on --rebuild. The mirror is built with it: the
security updates pending for the image (from <release>-security), their new dependencies, and the test
packages of test/lab/packages, signed with a generated key. \`plumb lab up\` does this on demand.

Examples:
  plumb lab image                         build once (about a minute), later calls return at once
  plumb lab image --refresh-mirror        pick up new security updates
  plumb lab image --json | jq '.mirror.securityUpdates[] | {package, fixedVersion, cves}'`,
    )
    .action(async (o: Common & { release: string; rebuild?: boolean; refreshMirror?: boolean; debianMirror?: string; securityMirror?: string }) => {
      const r = await ensureImage({ ...o, progress: progressFor() });
      if (o.json) return printJson({ image: r.image, imageCached: r.imageCached, packages: r.manifest.packages.length, mirror: { ...r.mirror.info, dir: r.mirror.repo, cached: r.mirror.cached } });
      const c = colours();
      process.stdout.write(`image ${c.bold(`${r.image.release}-${r.image.hash}`)} ${r.imageCached ? '(cached)' : '(built)'}: ${r.image.rootfs}, ${plural(r.manifest.packages.length, 'package')}\n`);
      process.stdout.write(`mirror ${r.mirror.info.codename} ${r.mirror.cached ? '(cached)' : '(built)'}: ${plural(r.mirror.info.securityUpdates.length, 'security update')}, ${plural(r.mirror.info.testPackages.length, 'test package')}\n`);
      for (const u of r.mirror.info.securityUpdates) {
        process.stdout.write(`  ${u.package.padEnd(22)} ${u.imageVersion} → ${u.fixedVersion}${u.cves.length ? c.dim(`  ${u.cves.slice(0, 4).join(' ')}${u.cves.length > 4 ? ` +${u.cves.length - 4}` : ''}`) : ''}\n`);
      }
    });

  common(lab.command('up').description('start a lab of N hosts and its mirror'))
    .option('--hosts <n>', 'number of hosts', int('--hosts'), 3)
    .option('--system <name>', 'system of the hosts in the written inventory', 'lab')
    .option('--baseline <name>', 'baseline of the hosts in the written inventory', 'debian-12-server')
    .option('--rings <spec>', 'rings in host order: name=count,…; the last takes the rest', 'pilot=1,broad')
    .option('--inventory-out <file>', 'also write the inventory here (removed by `down` if unchanged)')
    .option('--mirror-port <port>', 'port of the mirror on the lab network', int('--mirror-port'), 80)
    .option('--subnet <cidr>', 'the lab network, a /24 (default: derived from the name, avoiding routed ones)')
    .option('--release <codename>', 'Debian release of the image', 'bookworm')
    .option('--replace', 'remove a lab of the same name first instead of refusing')
    .option('--json', 'print the lab (lab.json) as JSON')
    .addHelpText(
      'after',
      `
Writes to the lab's state directory: lab.json, the client key id_ed25519, known_hosts, ssh_config and
inventory.yaml (hosts with pinned host key fingerprints). \`up\` on a lab that is up refuses: it does not
add hosts; use --replace to recreate it, or --name for a second lab. Host names are lab-1, lab-2 … in
the default lab and <name>-1 … otherwise.

Examples:
  plumb lab up --hosts 3
  plumb lab up --name demo --hosts 5 --rings pilot=1,early=2,broad --inventory-out inventory/lab.yaml
  plumb lab up --json | jq -r '.hosts[].address'`,
    )
    .action(async (o: Common & { hosts: number; system: string; baseline: string; rings: string; inventoryOut?: string; mirrorPort: number; subnet?: string; release: string; replace?: boolean }) => {
      const info = await labUp({ ...o, progress: progressFor() });
      if (o.json) return printJson(info);
      printLab(info);
    });

  common(lab.command('down').description('remove a lab: processes, namespaces, links, files; safe to repeat'))
    .option('--all', 'every lab under the state directory')
    .option('--json', 'print what was removed as JSON')
    .addHelpText(
      'after',
      `
Kills the lab's processes by the PIDs it recorded (and whatever runs in its namespaces), deletes its
network namespaces, veths and bridge, and its state directory. Works after an interrupted \`up\` (it
takes over a stale lock) and does nothing, successfully, when there is nothing left.

Examples:
  plumb lab down
  plumb lab down --name demo
  plumb lab down --all`,
    )
    .action(async (o: Common & { all?: boolean; name: string }) => {
      const targets = o.all ? (await labStatuses({ stateDir: o.stateDir, cacheDir: o.cacheDir })).map((s) => s.name) : [o.name];
      const results = [];
      for (const name of targets) results.push(await labDown({ ...o, name, progress: progressFor() }));
      if (o.json) return printJson(results);
      for (const r of results) {
        process.stdout.write(r.wasUp ? `lab '${r.name}' removed (${plural(r.removed.length, 'object')}: ${summarize(r.removed)})\n` : `lab '${r.name}': nothing to remove\n`);
      }
    });

  common(lab.command('status').description('list labs and check that their hosts and mirror are running'))
    .option('--json', 'print the status as JSON')
    .addHelpText(
      'after',
      `
Without --name, lists every lab under the state directory. Needs no root.
Exit codes: 0 every listed lab is up and healthy, 3 a lab is down, incomplete or degraded.

Examples:
  plumb lab status
  plumb lab status --name test --json | jq '.[0].hosts'`,
    )
    .action(async (o: Common, cmd: Command) => {
      const named = cmd.getOptionValueSource('name') === 'cli';
      const statuses = await labStatuses({ ...o, name: named ? o.name : undefined });
      if (o.json) printJson(statuses);
      else printStatuses(statuses, named);
      process.exitCode = statuses.every((s) => s.status === 'up') ? 0 : 3;
    });

  common(lab.command('exec').description('run a command as root on a lab host (nsenter, not SSH)'))
    .argument('<host>', 'host name or address')
    .argument('<command...>', 'the command (put it after --)')
    .addHelpText('after', `\nExits with the command's exit code.\n\nExamples:\n  plumb lab exec lab-1 -- apt-get update\n  plumb lab exec --name demo demo-2 -- 'dpkg -l | grep ^ii | wc -l'`)
    .action(async (host: string, command: string[], o: Common) => {
      const script = command.length === 1 ? command[0]! : shellJoin(command);
      const r = await hostExec(readLab(o), host, script);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.code;
    });

  common(lab.command('reset').description('put a lab host back to the standard image (same address and host keys)'))
    .argument('<host>', 'host name or address')
    .addHelpText('after', `\nExamples:\n  plumb lab reset lab-2`)
    .action(async (host: string, o: Common) => {
      await resetHost({ ...o, host });
      process.stdout.write(`${host} reset to the standard image\n`);
    });
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
