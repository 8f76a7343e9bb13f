import type { Command } from 'commander';
import { executeRollback, planRollback } from '../../apply/rollback.js';
import { RunLease } from '../../reconcile/lease.js';
import { NotInLedger } from '../../errors/index.js';
import { gatherFacts } from '../../facts/gather.js';
import { requestFor } from '../../facts/request.js';
import { Journal, newRunId, readRuns, recoverJournals } from '../../ledger/index.js';
import { TransportPool } from '../../transport/pool.js';
import { confirmOrThrow, loadValidModel, selectHosts } from '../common.js';
import { colours, printJson } from '../output.js';
import { globals } from '../program.js';

export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .argument('<host>', 'the host to roll back')
    .requiredOption('--run <id>', 'the run to undo on that host (plumb history HOST lists them)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--force', 'roll back even though later runs changed the host (their changes to the same files are undone too)')
    .option('--json', 'print the rollback run record as JSON')
    .description("undo one run on one host: files from the run's on-host backup, packages to their previous versions")
    .addHelpText(
      'after',
      `
Files the run changed are restored from the backup it made on the host
(/var/lib/plumbline/backups/RUN). Packages return to the versions they had before the run where
the internal mirror still carries them; the others are reported, not guessed. Uninstalling a
patch may not restore the previous state entirely (SP 800-40 2.6): read the remediation's
rollback notes first. The rollback is a recorded run of its own (kind rollback).

Example:
  plumb history payroll-web-01
  plumb rollback payroll-web-01 --run 20261125T101500Z-3fa2c1`,
    )
    .action(async (hostName: string, opts: { run: string; yes?: boolean; json?: boolean; force?: boolean }, cmd: Command) => {
      const { repo } = globals(cmd);
      const lease = RunLease.acquire(repo, { purpose: 'rollback' });
      const pool = new TransportPool();
      try {
        await recoverJournals(repo);
        const { model } = await loadValidModel(repo);
        const [host] = selectHosts(model, { host: hostName });
        const runs = await readRuns(repo);
        const run = runs.find((r) => r.id === opts.run);
        if (!run) throw new NotInLedger(`run ${opts.run}`);
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
    });
}
