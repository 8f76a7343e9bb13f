import type { Command } from 'commander';
import { reconcile, type ReconcileResult } from '../../reconcile/index.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { addFaultOptions, faultOptions, type FaultOptions } from './options.js';
import { cliPorts } from './wiring.js';

interface ApplyOptions extends FaultOptions {
  host?: string[];
  system?: string;
  ring?: string;
  ref?: string;
  yes?: boolean;
  json?: boolean;
  concurrency: string;
}

export function registerApply(program: Command): void {
  const cmd = program
    .command('apply')
    .argument('[plan]', 'a plan saved with `plumb plan --out plan.json`; refused when stale')
    .description('carry out the approved plan ring by ring, verify every change, and record it in the ledger')
    .option('--host <name...>', 'only these hosts')
    .option('--system <name>', "only this system's hosts")
    .option('--ring <name>', "only this ring's hosts")
    .option('--ref <ref>', 'apply a commit, branch or tag instead of the working tree')
    .option('-y, --yes', 'do not ask for confirmation (for scripts)')
    .option('--json', 'print the run record as JSON')
    .option('--concurrency <n>', 'hosts changed at the same time within a ring', '8');
  addFaultOptions(cmd)
    .addHelpText(
      'after',
      `
Per host: files about to change are backed up on the host (/var/lib/plumbline/backups/RUN), package
actions run as one apt transaction against the host's configured (internal, signed) mirror, then
files, settings, sysctl and services change. The first failure stops the host and restores it.
Afterwards the host is examined again: an action counts as verified only when its finding is gone.

Only approved changes run: baseline changes (approved by their merge) and remediations with an
approval for the host's ring. The next ring starts only after earlier rings finished the change
and soaked; a ring reaching its failure threshold halts the rollout; hosts outside their
maintenance window are skipped. Emergency approvals bypass windows and soak (and say so).

A saved plan is refused when the desired state or any host's real state changed since.
Package transactions run on the host under a detached supervisor that records their exit status
and output there (/var/lib/plumbline/txn/), and each host is locked for the whole apply; a cut,
a kill or a stop never leaves the record guessing: the host is examined again (in this run if it
comes back within --reconnect-wait, else at the next contact) and the truth is recorded.
Ctrl-C (SIGINT) or SIGTERM: no new host or action starts, what runs finishes and is recorded;
a second one stops waiting.
Exit codes: 0 done (or nothing to do), 1 a host failed, a ring halted, or an error; 130/143
stopped by SIGINT/SIGTERM.

Examples:
  plumb plan --ring pilot --out plan.json && plumb apply plan.json
  plumb apply --ref main --yes                 everything approved on main, no questions
  plumb rollback web-01 --run 20261125T101500Z-3fa2c1`,
    )
    .action(async (planFile: string | undefined, opts: ApplyOptions, cmd: Command) => {
      const { repo } = globals(cmd);
      const ports = cliPorts({ json: opts.json, yes: opts.yes, confirm: true });
      try {
        const result = await reconcile({ repo, ref: opts.ref, planFile, filter: { host: opts.host, system: opts.system, ring: opts.ring }, concurrency: Number(opts.concurrency) || 8, kind: 'apply', ...faultOptions(opts) }, ports);
        report(result, Boolean(opts.json));
        process.exitCode = ports.stop.level ? stopCode(ports.stop.reason) : outcomeCode(result) === 1 ? 1 : 0;
      } finally {
        ports.detach();
      }
    });
}

/** 130 after SIGINT, 143 after SIGTERM: the shell's convention for a command a signal ended (here: ended cleanly). */
export function stopCode(reason: string): number {
  return reason === 'SIGTERM' ? 143 : reason === 'SIGINT' ? 130 : 1;
}

/** 0 nothing to do, 2 changes made (or still pending: outside a window, soaking), 1 anything failed, halted, unverified or unreachable. */
export function outcomeCode(r: ReconcileResult): number {
  if (r.plan.summary.unreachable) return 1;
  const rec = r.record;
  if (!rec) return 0;
  if (rec.status !== 'completed') return 1;
  const actions = rec.hosts.flatMap((h) => h.actions);
  if (rec.hosts.some((h) => h.status === 'failed' || h.status === 'restored') || actions.some((a) => a.result === 'failed' || a.result === 'unverified')) return 1;
  const pending = rec.hosts.some((h) => h.status === 'skipped') || actions.some((a) => a.result === 'skipped' && a.type !== 'reboot-notify');
  return pending || actions.some((a) => a.result === 'verified') ? 2 : 0;
}

export function report(r: ReconcileResult, json: boolean): void {
  if (json) {
    printJson({ plan: r.plan.summary, run: r.record ?? null, ledgerCommit: r.ledgerCommit ?? null, recovered: r.recovered.map((x) => x.id), settled: r.settled });
    return;
  }
  const c = colours();
  for (const x of r.recovered) process.stdout.write(c.yellow(`recovered the journal of interrupted run ${x.id} into the ledger\n`));
  if (!r.record || (!r.record.hosts.length && r.settled.length)) {
    if (r.record) process.stdout.write(c.dim(`Recorded what ${r.settled.length} host(s) of earlier runs really show as run ${r.record.id} (${r.ledgerCommit?.slice(0, 12)}).\n`));
    process.stdout.write(c.green('Nothing to apply.\n'));
    return;
  }
  const actions = r.record.hosts.flatMap((h) => h.actions);
  const count = (res: string) => actions.filter((a) => a.result === res).length;
  const hosts = (st: string) => r.record!.hosts.filter((h) => h.status === st).length;
  const halted = r.record.rings.find((x) => x.status === 'halted');
  process.stdout.write(
    `\nRun ${r.record.id} ${r.record.status === 'completed' ? c.green('completed') : c.red(r.record.status)}${r.record.stopReason ? ` (${r.record.stopReason})` : ''}: ` +
      `${hosts('changed')} host(s) changed, ${hosts('restored') + hosts('failed')} failed, ${hosts('skipped')} skipped; ` +
      `${count('verified')} action(s) verified, ${count('unverified')} unverified, ${count('failed')} failed, ${count('skipped')} skipped.\n` +
      (halted ? c.red(`${halted.reason}\n`) : '') +
      c.dim(`Recorded in the ledger as ${r.ledgerCommit?.slice(0, 12)} (plumb history; git log refs/plumbline/ledger).\n`),
  );
}
