import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PlumbError, UsageError } from '../../errors/index.js';
import { gatherAll } from '../../facts/gather.js';
import { toSnapshot } from '../../facts/snapshot.js';
import { loadValidModel, progress, selectHosts } from '../common.js';
import { colours, plural, printJson } from '../output.js';
import { globals } from '../program.js';
import { renderFacts } from './render.js';

interface FactsOptions {
  all?: boolean;
  system?: string;
  ring?: string;
  json?: boolean;
  out?: string;
  ref?: string;
  identity?: string;
  connectTimeout: string;
  concurrency: string;
}

export function registerFacts(program: Command): void {
  program
    .command('facts')
    .argument('[host...]', 'hosts to ask (names from the inventory)')
    .description("gather hosts' real state over SSH in one round trip: OS, packages, files, settings, services, sockets")
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
    .action(async (names: string[], opts: FactsOptions, cmd: Command) => {
      if (!names.length && !opts.all && !opts.system && !opts.ring) throw new UsageError('name a host, or use --all (or --system/--ring)', 'plumb facts wiki-01, or plumb facts --all --out facts.json');
      if (names.length && opts.all) throw new UsageError('name hosts or use --all, not both');
      const connectTimeoutMs = Number(opts.connectTimeout) * 1000;
      const concurrency = Number(opts.concurrency);
      if (!(connectTimeoutMs > 0)) throw new UsageError(`--connect-timeout must be a positive number of seconds, not '${opts.connectTimeout}'`);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a whole number of at least 1, not '${opts.concurrency}'`);
      const { repo } = globals(cmd);
      const { model } = await loadValidModel(repo, opts.ref);
      const hosts = selectHosts(model, { host: names.length ? names : undefined, system: opts.system, ring: opts.ring });
      if (!hosts.length) throw new UsageError('no host matches', 'list the hosts with `plumb hosts list`');

      const started = new Date();
      const bar = progress('gathering facts');
      const { facts, errors } = await gatherAll(hosts, model, {
        concurrency,
        connect: { identityFile: opts.identity, connectTimeoutMs },
        onProgress: (p) => bar.update(p.done, p.total, p.host),
      });
      bar.end();
      const snapshot = toSnapshot(facts, errors, { gatheredAt: started, commit: model.commit });
      if (opts.out) writeFileSync(opts.out, `${JSON.stringify(snapshot, null, 2)}\n`);

      const c = colours();
      if (opts.json) printJson(snapshot);
      else if (!opts.out || hosts.length === 1) {
        for (const h of hosts) {
          const f = facts.get(h.name);
          if (f) process.stdout.write(`${renderFacts(f, c)}\n\n`);
        }
      }
      if (opts.out && !opts.json) process.stdout.write(`wrote ${opts.out}: facts of ${plural(facts.size, 'host')}${errors.size ? `, ${plural(errors.size, 'host')} failed` : ''}\n`);
      if (!errors.size) return;

      // One host: its own error (with its hint) is the message. Several: list them all, then fail once.
      if (hosts.length === 1) throw [...errors.values()][0]!;
      const ce = colours(process.stderr);
      for (const [name, e] of errors) {
        process.stderr.write(`${ce.red('plumb: error:')} ${name}: ${e.message} ${ce.dim(`[${e.code}]`)}\n`);
        if (e.hint) process.stderr.write(`    ${ce.dim(`hint: ${e.hint}`)}\n`);
      }
      throw new PlumbError('E_GATHER_INCOMPLETE', `facts of ${plural(errors.size, 'host')} out of ${hosts.length} could not be gathered`, {
        hint: opts.out ? `${opts.out} lists them under "errors"; plan reports them as unreachable` : undefined,
      });
    });
}
