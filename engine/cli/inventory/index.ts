import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerInventory(program: Command): void {
  const inventory = program.command('inventory');

  inventory
    .command('list')
    .description("list a system's resources: inventory fields (owner, location, property number) joined with gathered facts")
    .option('--system <name>', 'only this system (what its staff may see)')
    .option('--ref <ref>', 'the inventory of a commit, branch or tag instead of the working tree')
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--no-gather', 'inventory fields only: do not contact the hosts')
    .option('--json', 'print the systems and hosts as JSON')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
What cannot be gathered (owner, location, property number, system, impact) comes from inventory/;
the rest (OS, kernel, package count, enabled services, listening ports) from each host, in one
round trip. Inventory is sensitive: --system shows one system only, for its own staff.

Exit codes: 0 listed, 1 a host could not be examined (it is listed with the reason) or bad input.

Examples:
  plumb inventory list --system payroll
  plumb inventory list --no-gather --json | jq -r '.[].hosts[] | [.host, .location] | @tsv'`,
    )
    .action(lazy(() => import('./action.js'), 'listAction'));

  inventory
    .command('supported')
    .description('list the OS releases and software the program covers: named by baselines, or by advisories in the store')
    .option('--ref <ref>', 'the baselines of a commit, branch or tag instead of the working tree')
    .option('--json', 'print the lists as JSON')
    .addHelpText(
      'after',
      `
The published list of supported resources (SP 800-40 2.2.3.1): operating systems and releases the
baselines' platforms name, releases the advisory store has advisories for, packages the baselines
require or forbid, and packages the advisories cover (source packages for Debian and Ubuntu).

Examples:
  plumb inventory supported
  plumb inventory supported --json | jq '.advisoryReleases'`,
    )
    .action(lazy(() => import('./action.js'), 'supportedAction'));

  inventory
    .command('unsupported')
    .description('list software installed on hosts that no baseline names and no stored advisory covers, with host counts')
    .option('--system <name>', "only this system's hosts")
    .option('--ref <ref>', 'the baselines of a commit, branch or tag instead of the working tree')
    .option('--facts <file>', 'use a facts snapshot (plumb facts --all --out FILE) instead of asking the hosts')
    .option('--json', 'print the report as JSON')
    .option('--concurrency <n>', 'hosts examined at the same time', '16')
    .addHelpText(
      'after',
      `
Software nobody watches is where unpatched vulnerabilities hide (SP 800-40 2.2.3.1). A package
counts as covered when a baseline requires or forbids it by name, or when an advisory in the
store names its source package (or the binary, for RPM) for the host's release. Hosts whose OS
release neither a baseline nor an advisory covers are listed first.

Exit codes: 0 everything covered, 2 something is not covered, 1 error (a host not examined).

Examples:
  plumb inventory unsupported --system intranet
  plumb inventory unsupported --json | jq -r '.packages[:10][] | "\\(.hosts) \\(.source)"'`,
    )
    .action(lazy(() => import('./action.js'), 'unsupportedAction'));

  inventory
    .command('import')
    .description('import hosts from another inventory into inventory/')
    .command('ansible')
    .argument('<source>', 'an Ansible inventory: an INI or YAML file, or a directory of them (with group_vars/ and host_vars/)')
    .description("create or update inventory hosts from an Ansible inventory, with the smallest change, keeping every hand-written field")
    .option('--mapping <file>', 'the mapping file: which groups become systems, rings, baselines and tags, which variables become variables', 'ansible-mapping.yaml')
    .option('--out <file>', "the inventory file to write (default: the mapping's output, else inventory/hosts.yaml)")
    .option('--prune', 'remove hosts of the output file that the Ansible inventory no longer lists (default: keep and list them)')
    .option('--dry-run', 'show what would change; write nothing')
    .option('--json', 'print the changes and the unmappable items as JSON')
    .addHelpText(
      'after',
      `
Reads the inventory the way ansible-inventory --list does (INI and YAML, children, ranges such as
web[01:20], host:port, group_vars/ and host_vars/, Ansible's variable precedence) without running
Ansible or anything else: executable inventory scripts and inventory plugins are refused.

ansible_host, ansible_port, ansible_user and ansible_ssh_private_key_file become address, port, user
and identity_file; ansible_connection=local becomes transport: local; ansible_become becomes sudo.
The mapping file (YAML, reviewed in git) says the rest:

  systems:   { payroll_web: payroll, wiki: intranet }     # group → system
  rings:     { canary: pilot }                            # group → ring
  baselines: { webservers: debian-12-web }                # group → baseline
  tags:      { dmz: internet-facing }                     # group → tag(s)
  variables: { http_server_name: server_name }            # Ansible variable → host variable
  defaults:  { system: intranet, ring: broad, baseline: debian-12-server }

A re-import changes only what changed on the Ansible side: fields such as owner, location,
property_number and host_keys are never touched, nor tags and variables the mapping does not name.
Groups, variables and hosts that cannot be mapped are listed with their file:line (a credential's
value never is). Any problem in the inventory or the mapping is reported with file:line:col, and
nothing is written.

Exit codes: 0 written (or nothing to change), 2 --dry-run and changes are pending, 1 bad input.

Examples:
  plumb inventory import ansible ~/ansible/inventory/production --dry-run
  plumb inventory import ansible hosts.ini --mapping ansible-mapping.yaml
  plumb inventory import ansible inventory.yml --json | jq '.unmappable[] | select(.kind == "host")'`,
    )
    .action(lazy(() => import('./import-action.js'), 'importAnsibleAction'));
}
