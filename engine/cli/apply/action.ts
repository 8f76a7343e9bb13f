import type { Command } from 'commander';
import { reconcile, type ReconcileResult } from '../../reconcile/index.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';
import { faultOptions, type FaultOptions } from './options.js';
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

export async function applyAction(planFile: string | undefined, opts: ApplyOptions, cmd: Command) {
  const { repo } = globals(cmd);
  const fault = faultOptions(opts);
  const ports = cliPorts({ json: opts.json, yes: opts.yes, confirm: true });
  try {
    const result = await reconcile({ repo, ref: opts.ref, planFile, filter: { host: opts.host, system: opts.system, ring: opts.ring }, concurrency: Number(opts.concurrency) || 8, kind: 'apply', ...fault }, ports);
    report(result, Boolean(opts.json));
    process.exitCode = ports.stop.level ? stopCode(ports.stop.reason) : outcomeCode(result) === 1 ? 1 : 0;
  } finally {
    ports.detach();
  }
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
