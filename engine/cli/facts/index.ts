import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerFacts(program: Command): void {
  program
    .command('facts')
    .argument('[host...]', 'hosts to ask (names from the inventory)')
    .option('--all', 'every host in the inventory (narrow with --system or --ring)')
    .option('--system <name>', "only this system's hosts")
    .option('--ring <name>', "only this ring's hosts")
    .option('--json', 'print the facts as JSON (a snapshot, the same format as --out)')
    .option('--out <file>', 'save a facts snapshot for `plumb plan --facts FILE`')
    .option('--ref <ref>', 'ask for what this commit, branch or tag needs instead of the working tree')
    .option('-i, --identity <file>', 'private key (default: identity_file of the host, $PLUMB_SSH_KEY, ~/.ssh/id_ed25519; ssh-agent too)')
    .option('--connect-timeout <seconds>', 'give up connecting after this long', '10')
    .option('--concurrency <n>', 'hosts asked at the same time', '16')
    .addHelpText(
      'after',
      `
One POSIX sh script runs on each host over its single SSH connection (host keys pinned in the
inventory: see \`plumb hosts trust\`). It reports what the desired state names for that host plus
the host-wide facts. A fact that cannot be gathered (tool missing, file unreadable) is shown as
unknown with the reason; it is never taken for "absent". The JSON format is documented in
engine/facts/README.md.

Exit codes: 0 all hosts gathered, 1 an error (unknown host, unreachable host, refused host key).

Examples:
  plumb facts wiki-01                          a summary for people
  plumb facts wiki-01 --json | jq '.hosts["wiki-01"].packages.openssl'
  plumb facts --all --out facts.json           a snapshot for pull-request checks
  plumb facts --ring pilot --json              the pilot ring only
  plumb plan --facts facts.json                plan later, without reaching the fleet`,
    )
    .action(lazy(() => import('./action.js'), 'factsAction'));
}
