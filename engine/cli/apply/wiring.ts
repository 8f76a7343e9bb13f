import { StopState } from '../../apply/stop.js';
import type { ReconcilePorts, RunEvent } from '../../reconcile/index.js';
import { renderHuman } from '../../plan/render/human.js';
import { confirmOrThrow, formatProblems } from '../common.js';
import { colours } from '../output.js';

/**
 * The CLI's side of the reconcile engine's ports: the plan and progress on stdout (not with --json), notices and
 * problems on stderr, the confirmation prompt, and SIGINT/SIGTERM as stop requests — the first lets the hosts in
 * flight finish and be recorded, the second stops waiting for them. The same holds for `systemctl stop`, which
 * sends SIGTERM (keep KillMode=mixed so the signal reaches plumb first, README "Running on a schedule").
 */
export function cliPorts(o: { json?: boolean; yes?: boolean; confirm: boolean }): ReconcilePorts & { stop: StopState; detach(): void } {
  const c = colours();
  const err = colours(process.stderr);
  const stop = new StopState();
  const onSignal = (signal: NodeJS.Signals) => {
    const level = stop.request(signal);
    process.exitCode = signal === 'SIGINT' ? 130 : 143;
    process.stderr.write(
      level === 'drain'
        ? err.yellow(`\n${signal}: stopping — no new host or action starts; transactions under way finish, are verified and recorded (${signal} again to stop waiting for them)\n`)
        : err.red(`\n${signal} again: no longer waiting for transactions on hosts; recording what is known (hosts finish them on their own; the next run records the outcome)\n`),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop,
    detach() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    output: {
      problems: (p) => process.stderr.write(formatProblems(p)),
      plan: o.json ? undefined : (plan) => process.stdout.write(renderHuman(plan)),
      notice: (m) => process.stderr.write(`${err.yellow('note:')} ${m}\n`),
      event: o.json ? undefined : (e: RunEvent) => process.stdout.write(`${describeEvent(e, c)}\n`),
    },
    confirm: o.confirm
      ? async (question) => {
          await confirmOrThrow(question, o.yes);
          return true;
        }
      : undefined,
  };
}

function describeEvent(e: RunEvent, c: ReturnType<typeof colours>): string {
  switch (e.kind) {
    case 'ring-start':
      return c.bold(`\n▶ ring ${e.ring}`);
    case 'host-start':
      return c.dim(`  … ${e.host}`);
    case 'host-end': {
      const mark = e.status === 'changed' || e.status === 'unchanged' ? c.green('✓') : e.status === 'skipped' ? c.yellow('⏸') : c.red('✗');
      return `  ${mark} ${e.host}: ${e.status}${e.detail ? c.dim(` — ${e.detail}`) : ''}`;
    }
    case 'ring-end':
      return e.status === 'halted' ? c.red(`■ ${e.detail}`) : e.status === 'skipped' ? c.yellow(`⏸ ring ${e.ring} not started: ${e.detail}`) : c.dim(`  ring ${e.ring} ${e.status}`);
  }
}
