import type { Command } from 'commander';
import { fetchApproved } from '../../model/fetch.js';
import { report, outcomeCode } from '../apply/action.js';
import { applyFlow } from '../apply/flow.js';
import { globals } from '../program.js';

interface ReconcileOptions {
  remote?: string;
  ref?: string;
  json?: boolean;
  concurrency: string;
}

export async function reconcileAction(opts: ReconcileOptions, cmd: Command) {
  const { repo } = globals(cmd);
  let ref = opts.ref ?? (opts.remote ? 'main' : 'HEAD');
  if (opts.remote) ref = await fetchApproved(repo, opts.remote, ref);
  const result = await applyFlow({ repo, ref, filter: {}, yes: true, json: opts.json, concurrency: Number(opts.concurrency) || 8, kind: 'reconcile' });
  report(result, Boolean(opts.json));
  process.exitCode = outcomeCode(result);
}

