import type { Command } from 'commander';
import { fetchApproved } from '../../model/fetch.js';
import { reconcile } from '../../reconcile/index.js';
import { outcomeCode, report, stopCode } from '../apply/action.js';
import { faultOptions, type FaultOptions } from '../apply/options.js';
import { cliPorts } from '../apply/wiring.js';
import { globals } from '../program.js';

interface ReconcileOptions extends FaultOptions {
  remote?: string;
  ref?: string;
  json?: boolean;
  concurrency: string;
}

export async function reconcileAction(opts: ReconcileOptions, cmd: Command) {
  const { repo } = globals(cmd);
  const fault = faultOptions(opts);
  let ref = opts.ref ?? (opts.remote ? 'main' : 'HEAD');
  if (opts.remote) ref = await fetchApproved(repo, opts.remote, ref);
  const ports = cliPorts({ json: opts.json, confirm: false });
  try {
    const result = await reconcile({ repo, ref, filter: {}, concurrency: Number(opts.concurrency) || 8, kind: 'reconcile', ...fault }, ports);
    report(result, Boolean(opts.json));
    process.exitCode = ports.stop.level ? stopCode(ports.stop.reason) : outcomeCode(result);
  } finally {
    ports.detach();
  }
}
