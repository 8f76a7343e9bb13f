import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerHosts(program: Command): void {
  const hosts = program.command('hosts');

  hosts
    .command('list')
    .description('list hosts with how plumb reaches them')
    .option('--system <name>', "only this system's hosts")
    .option('--ring <name>', "only this ring's hosts")
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
Examples:
  plumb hosts list
  plumb hosts list --system payroll --json | jq -r '.[].name'`,
    )
    .action(lazy(() => import('./action.js'), 'listAction'));

  hosts
    .command('trust')
    .argument('<host>', 'the host (or jump host) whose key to pin')
    .description("show the SSH host key a host presents and pin it in the inventory, after you confirm it")
    .option('--fingerprint <SHA256:…>', 'pin only if the host presents exactly this key (non-interactive use)')
    .option('--yes', 'pin whatever key is presented, without asking (prints a warning)')
    .option('--connect-timeout <seconds>', 'give up connecting after this long', '10')
    .addHelpText(
      'after',
      `
plumb never trusts a key on first use: every SSH connection is refused unless the key the host
presents is pinned in its host_keys. This command connects WITHOUT authenticating, shows the
key type and its SHA256 fingerprint, and asks you to confirm before it records it in the
inventory file where the host is declared (comments and formatting are kept).

A host behind a bastion (ProxyJump in the inventory's ssh_config) is probed through it, and
only when every jump host on the way is already pinned. A bastion is pinned the same way: name
it in jump_hosts: and run plumb hosts trust BASTION.

Compare the fingerprint out of band, e.g. on the host's console:
  ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub

Examples:
  plumb hosts trust wiki-01                                   asks on the terminal
  plumb hosts trust wiki-01 --fingerprint SHA256:2pYY5Rn2…    scripts: pin only this exact key
  plumb hosts trust bastion-1                                 a jump host listed in jump_hosts:
  plumb hosts trust lab-01 --yes                              a disposable lab host`,
    )
    .action(lazy(() => import('./action.js'), 'trustAction'));
}
