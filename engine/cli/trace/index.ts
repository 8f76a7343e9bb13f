import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .argument('<host>', 'the host')
    .argument('<subject>', 'a package name, a file path, a settings file (or file:key), a unit, a sysctl or setting key, or a finding key')
    .option('--json', 'print the actions as JSON, newest first')
    .addHelpText(
      'after',
      `
Answers "which commit, approved by whom, changed this, and when" from the ledger: for each action, the
run and the desired-state commit it applied, the requirement (file:line@commit) that demanded it, the
approval (id, approver, change ticket) that let it through, before → after, the result, and the times
it started, was applied and was verified. Actions of interrupted runs not yet committed are included.

Exit codes: 0 answered (also when nothing matched), 1 the host is not in the ledger.

Examples:
  plumb trace web-1 openssl
  plumb trace web-1 /etc/ssh/sshd_config            every setting changed in that file
  plumb trace web-1 /etc/ssh/sshd_config:PermitRootLogin
  plumb trace db-1 ssh.service
  plumb trace db-1 net.ipv4.ip_forward --json | jq '.entries[0].action.approval'`,
    )
    .action(lazy(() => import('./action.js'), 'traceAction'));
}
