import { type Command, Option } from 'commander';
import { UsageError } from '../../errors/index.js';
import { lazy } from '../lazy.js';

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

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
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
    .action(lazy(() => import('./action.js'), 'imageAction'));

  common(lab.command('up').description('start a lab of N hosts and its mirror'))
    .option('--hosts <n>', 'number of hosts', int('--hosts'), 3)
    .option('--behind-bastion <n>', 'also N hosts on a second network that only the first host (the bastion) reaches', int('--behind-bastion'), 0)
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

--behind-bastion N adds N hosts (numbered after the others) on a second network: the first host is
their bastion (its eth1), the control machine has no route to them and they reach nothing but the
bastion (not the mirror). ssh_config reaches them with ProxyJump, and the inventory names that
ssh_config, so plumb goes through the bastion with every hop's host key pinned.

Examples:
  plumb lab up --hosts 3
  plumb lab up --name demo --hosts 5 --rings pilot=1,early=2,broad --inventory-out inventory/lab.yaml
  plumb lab up --name edge --hosts 1 --behind-bastion 3
  plumb lab up --json | jq -r '.hosts[].address'`,
    )
    .action(lazy(() => import('./action.js'), 'upAction'));

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
    .action(lazy(() => import('./action.js'), 'downAction'));

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
    .action(lazy(() => import('./action.js'), 'statusAction'));

  common(lab.command('exec').description('run a command as root on a lab host (nsenter, not SSH)'))
    .argument('<host>', 'host name or address')
    .argument('<command...>', 'the command (put it after --)')
    .addHelpText('after', `\nExits with the command's exit code.\n\nExamples:\n  plumb lab exec lab-1 -- apt-get update\n  plumb lab exec --name demo demo-2 -- 'dpkg -l | grep ^ii | wc -l'`)
    .action(lazy(() => import('./action.js'), 'execAction'));

  common(lab.command('reset').description('put a lab host back to the standard image (same address and host keys)'))
    .argument('<host>', 'host name or address')
    .addHelpText('after', `\nExamples:\n  plumb lab reset lab-2`)
    .action(lazy(() => import('./action.js'), 'resetAction'));
}
