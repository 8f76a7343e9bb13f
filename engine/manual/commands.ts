import { remediationApplies } from '../diff/applicability.js';
import type { Facts } from '../facts/types.js';
import type { HostEntry, Model } from '../model/types.js';
import { approvalFor } from '../plan/approvals.js';
import type { Transport } from '../transport/index.js';

/** A check command gets this long, and only its exit status is kept: its output never leaves this function. */
const CHECK_TIMEOUT_MS = 60_000;
const CHECK_MAX_OUTPUT = 64 * 1024;

/**
 * The command checks of manual remediations, on the host's connection right after its facts, as root. A command
 * comes from a reviewed remediation, but it is still a command: it runs only where the remediation selects the host
 * (with its facts) and the board approved it for the host's ring — a branch nobody approved runs nothing. Only the
 * exit status is recorded (facts.checks); a command that times out or fails to run is left out (the check is then
 * "unknown"), and never fails the host's facts.
 */
export async function runManualChecks(transport: Transport, model: Model, host: HostEntry, facts: Facts, now: Date = new Date()): Promise<void> {
  for (const r of model.remediations.values()) {
    const run = r.kind === 'manual' ? r.manual?.check?.command?.run : undefined;
    if (!run) continue;
    if (!remediationApplies(r, host, facts, model).applies) continue;
    if (!('approved' in approvalFor(model, r.id, host, now))) continue;
    try {
      const res = await transport.exec(run, { privileged: true, timeoutMs: CHECK_TIMEOUT_MS, maxOutputBytes: CHECK_MAX_OUTPUT });
      (facts.checks ??= {})[r.id] = { exit: res.code };
    } catch {
      /* timed out, cut, or too much output: unknown, never a verdict */
    }
  }
}
