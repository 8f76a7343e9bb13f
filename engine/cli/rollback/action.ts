import type { Command } from 'commander';
import { executeRollback, planRollback } from '../../apply/rollback.js';
import { RunLease } from '../../ledger/lease.js';
import { HostQuarantined, NotInLedger } from '../../errors/index.js';
import { gatherFacts } from '../../facts/gather.js';
import { requestFor } from '../../facts/request.js';
import { Journal, newRunId, readRuns, recoverJournals } from '../../ledger/index.js';
import { TransportPool } from '../../transport/pool.js';
import { confirmOrThrow, loadValidModel, selectHosts } from '../common.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';

export async function rollbackAction(hostName: string, opts: { run: string; yes?: boolean; json?: boolean; force?: boolean }, cmd: Command) {
  const { repo } = globals(cmd);
  const lease = RunLease.acquire(repo, { purpose: 'rollback' });
  const pool = new TransportPool();
  try {
    await recoverJournals(repo);
    const { model } = await loadValidModel(repo);
    const [host] = selectHosts(model, { host: hostName });
    // A compromised host is changed by its rebuild only (SP 800-40 4.4), whichever run is named.
    if (host?.compromised) throw new HostQuarantined(host.name, host.compromised.since, host.compromised.ticket);
    const runs = await readRuns(repo);
    const run = runs.find((r) => r.id === opts.run);
    if (!run) throw new NotInLedger(`run ${opts.run}`);
    pool.prepare(model, [host!]);
    const t = await pool.get(host!);
    const facts = await gatherFacts(t, requestFor(model, host!), host!.name);
    const plan = await planRollback(run, host!.name, t, facts, { later: runs.filter((r) => r.kind !== 'rollback' && r.rollbackOf !== run.id), force: opts.force });
    const c = colours();
    if (!opts.json) {
      process.stdout.write(`Rolling back run ${run.id} on ${host!.name}:\n`);
      if (plan.restoreFiles) process.stdout.write(`  ~ restore files from ${plan.host.backup}\n`);
      for (const p of plan.packages) process.stdout.write(`  ${p.available ? '~' : c.yellow('!')} ${p.name} ${p.from ?? 'absent'} → ${p.to ?? 'absent'}${p.available ? '' : c.yellow(' (not on the mirror any more: skipped)')}\n`);
      if (!plan.restoreFiles && !plan.packages.length) process.stdout.write('  nothing to undo\n');
    }
    await confirmOrThrow(`Roll back run ${run.id} on ${host!.name}?`, opts.yes);
    const { record, ledgerCommit } = await executeRollback({ repoRoot: repo, model, host: host!, transport: t, facts, plan, ledger: { newRunId, begin: (r, s) => Journal.begin(r, s) } });
    if (opts.json) printJson({ run: record, ledgerCommit });
    else process.stdout.write(`Rollback run ${record.id} ${record.status}; recorded as ${ledgerCommit.slice(0, 12)}.\n`);
    process.exitCode = record.status === 'completed' ? 0 : 1;
  } finally {
    await pool.closeAll();
    lease.release();
  }
}

