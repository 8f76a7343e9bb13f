import type { Command } from 'commander';
import { loadValidModel, selectHosts } from '../common.js';
import { colours, plural, printJson } from '../output.js';
import { globals } from '../program.js';
import { trustAction, type TrustOptions } from './trust.js';

export function registerHosts(program: Command): void {
  const hosts = program.command('hosts').description('the inventory\'s hosts: list them, pin their SSH host keys');

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
    .action(async (opts: { system?: string; ring?: string; json?: boolean }, cmd: Command) => {
      const { repo } = globals(cmd);
      const { model } = await loadValidModel(repo);
      const list = selectHosts(model, { system: opts.system, ring: opts.ring }).map((h) => ({
        name: h.name,
        address: h.address,
        port: h.port ?? 22,
        user: h.user ?? 'root',
        transport: h.transport ?? 'ssh',
        system: h.system,
        ring: h.ring,
        baseline: h.baseline,
        hostKeys: h.host_keys ?? [],
        source: `${h.source.file}:${h.source.line}`,
      }));
      if (opts.json) return printJson(list);
      const c = colours();
      const w = Math.max(4, ...list.map((h) => h.name.length));
      for (const h of list) {
        const reach = h.transport === 'local' ? 'local' : `${h.user}@${h.address}${h.port === 22 ? '' : `:${h.port}`}`;
        const keys = h.transport === 'local' ? '' : h.hostKeys.length ? c.dim(plural(h.hostKeys.length, 'pinned key')) : c.yellow('no pinned key: plumb hosts trust ' + h.name);
        process.stdout.write(`${h.name.padEnd(w)}  ${reach.padEnd(28)} ${h.system}/${h.ring}  ${keys}\n`);
      }
      process.stdout.write(`${plural(list.length, 'host')}\n`);
    });

  hosts
    .command('trust')
    .argument('<host>', 'the host whose key to pin')
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

Compare the fingerprint out of band, e.g. on the host's console:
  ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub

Examples:
  plumb hosts trust wiki-01                                   asks on the terminal
  plumb hosts trust wiki-01 --fingerprint SHA256:2pYY5Rn2…    scripts: pin only this exact key
  plumb hosts trust lab-01 --yes                              a disposable lab host`,
    )
    .action(async (name: string, opts: TrustOptions, cmd: Command) => {
      const { repo } = globals(cmd);
      await trustAction(repo, name, opts);
    });
}
