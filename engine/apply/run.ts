import { hostname, userInfo } from 'node:os';
import PQueue from 'p-queue';
import { PlumbError } from '../errors/index.js';
import { platformFor } from '../platform/index.js';
import type { JournalEvent, RunKind, RunRecord, RunStatus } from '../ledger/types.js';
import type { Facts } from '../facts/types.js';
import type { Model } from '../model/types.js';
import type { ApprovalRef, PlannedAction } from '../plan/action.js';
import type { Plan, PlanHost } from '../plan/types.js';
import { shellQuote } from '../transport/shell.js';
import type { TransportPool } from '../transport/pool.js';
import type { CheckedArtifact } from './artifacts.js';
import { admit, RolloutState, thresholdReached, type VerifiedIndex } from './gate.js';
import { actionRecord, applyHost, findingId } from './host.js';

export interface RunEvent {
  kind: 'ring-start' | 'host-start' | 'host-end' | 'ring-end';
  ring: string;
  host?: string;
  status?: string;
  detail?: string;
}

/** The ledger as this module needs it (engine/ledger provides it; tests may too). */
export interface LedgerPort {
  newRunId(now: Date): string;
  begin(repoRoot: string, start: Extract<JournalEvent, { t: 'run-start' }>): Promise<{ append(e: JournalEvent): void; finish(status: RunStatus): Promise<{ commit: string; record: RunRecord }> }>;
}

export interface ExecuteOptions {
  ledger: LedgerPort;
  repoRoot: string;
  model: Model;
  /** What to carry out. */
  plan: Plan;
  /** The plan over every host examined (earlier rings too): what the ring gate consults. Defaults to plan. */
  gatePlan?: Plan;
  /** Facts gathered for this run, by host (the plan was checked against their digests). */
  facts: Map<string, Facts>;
  pool: TransportPool;
  kind: RunKind;
  ref?: string;
  /** Everything the ledger verified before, by host and finding: gates rings (soak) and marks regressions. */
  verified: VerifiedIndex;
  /** Artifacts already checked against their sha256, and remediations refused because one did not match. */
  artifacts: CheckedArtifact[];
  refused: Map<string, PlumbError>;
  concurrency?: number;
  now?: () => Date;
  onEvent?: (e: RunEvent) => void;
  /** The facts a host's verification gathered after its changes (the newest known state of the host). */
  onHostFacts?: (host: string, facts: Facts) => void;
}

const ARTIFACT_DIR = '/var/lib/plumbline/artifacts';

/**
 * Carries out a plan ring by ring: hosts of one ring run concurrently (p-queue), the next ring starts only when the
 * gate lets each change through (earlier rings finished and soaked, windows open), and a ring that reaches its
 * failure threshold halts everything after it. Every step is journaled; the finished run is one ledger commit.
 */
export async function executePlan(o: ExecuteOptions): Promise<{ record: RunRecord; ledgerCommit: string }> {
  const now = o.now ?? (() => new Date());
  const runId = o.ledger.newRunId(now());
  const approvals = uniqueApprovals(o.plan.hosts.flatMap((h) => h.actions.flatMap((a) => (a.approval ? [a.approval] : []))));
  const journal = await o.ledger.begin(o.repoRoot, {
    t: 'run-start',
    at: now().toISOString(),
    run: {
      id: runId,
      kind: o.kind,
      startedAt: now().toISOString(),
      commit: o.plan.commit,
      ref: o.ref,
      factsDigest: o.plan.factsDigest,
      approvals,
      operator: { user: safeUser(), hostname: hostname() },
    },
  });
  const state = new RolloutState(o.gatePlan ?? o.plan, o.model, o.verified);
  let status: RunStatus = 'completed';
  try {
    for (const ring of o.model.rings) {
      const hosts = o.plan.hosts.filter((h) => h.ring === ring.name);
      if (!hosts.length) continue;
      if (state.halted) {
        for (const ph of hosts) {
          if (ph.actions.some((a) => a.type !== 'reboot-notify')) journal.append({ t: 'host-skipped', at: now().toISOString(), host: ph.host, system: ph.system, ring: ph.ring, reason: state.halted });
        }
        journal.append({ t: 'ring', at: now().toISOString(), ring: { ring: ring.name, status: 'skipped', reason: state.halted, failed: 0, attempted: 0 } });
        o.onEvent?.({ kind: 'ring-end', ring: ring.name, status: 'skipped', detail: state.halted });
        continue;
      }
      o.onEvent?.({ kind: 'ring-start', ring: ring.name });
      const queue = new PQueue({ concurrency: o.concurrency ?? 8 });
      let failed = 0;
      let attempted = 0;
      let emergency = false;
      const runHost = async (ph: PlanHost) => {
        const host = o.model.hosts.get(ph.host)!;
        if (ph.error) {
          // An unreachable host was not verified: it counts against the ring, or a dead pilot would wave changes on.
          attempted++;
          failed++;
          journal.append({ t: 'host-skipped', at: now().toISOString(), host: ph.host, system: ph.system, ring: ph.ring, reason: `${ph.error.code}: ${ph.error.message}` });
          return;
        }
        const actionable = ph.actions.filter((a) => a.type !== 'reboot-notify');
        if (!actionable.length) return;
        const run: PlannedAction[] = [];
        const skipped: Array<{ action: PlannedAction; reason: string }> = [];
        for (const a of ph.actions) {
          const refused = a.origin.kind === 'remediation' ? o.refused.get(a.origin.id) : undefined;
          if (refused) {
            skipped.push({ action: a, reason: `${refused.code}: ${refused.message}` });
            continue;
          }
          const verdict = admit(a, host, o.model, state, now());
          if (verdict.run) {
            run.push(a);
            if (a.approval?.emergency) emergency = true;
          } else skipped.push({ action: a, reason: verdict.reason });
        }
        if (!run.some((a) => a.type !== 'reboot-notify')) {
          journal.append({ t: 'host-skipped', at: now().toISOString(), host: ph.host, system: ph.system, ring: ph.ring, reason: summarizeReasons(skipped) });
          o.onEvent?.({ kind: 'host-end', ring: ring.name, host: ph.host, status: 'skipped', detail: summarizeReasons(skipped) });
          return;
        }
        if (state.halted) {
          journal.append({ t: 'host-skipped', at: now().toISOString(), host: ph.host, system: ph.system, ring: ph.ring, reason: state.halted });
          return;
        }
        attempted++;
        o.onEvent?.({ kind: 'host-start', ring: ring.name, host: ph.host });
        const transport = await o.pool.get(host).catch((e: unknown) => e as PlumbError);
        if (transport instanceof Error) {
          failed++;
          journal.append({ t: 'host-skipped', at: now().toISOString(), host: ph.host, system: ph.system, ring: ph.ring, reason: `${(transport as PlumbError).code ?? 'E_CONNECT'}: ${transport.message}` });
          return;
        }
        const facts = o.facts.get(ph.host)!;
        const platform = platformFor(facts.os?.id);
        if (!platform) {
          failed++;
          journal.append({ t: 'host-skipped', at: now().toISOString(), host: ph.host, system: ph.system, ring: ph.ring, reason: `no package platform for ${facts.os?.id ?? 'an unknown OS'}` });
          return;
        }
        const artifactFiles = await uploadArtifacts(transport, run, o.artifacts);
        const outcome = await applyHost({ runId, model: o.model, host, facts, transport, platform, journal, artifactFiles, now }, run, skipped);
        if (outcome.facts) o.onHostFacts?.(ph.host, outcome.facts);
        if (outcome.status === 'failed' || outcome.status === 'restored') failed++;
        for (const a of run) {
          if (outcome.verified.includes(a.id)) state.markVerified(ring.name, findingId(a.finding, a.origin), now().getTime(), ph.host);
        }
        o.onEvent?.({ kind: 'host-end', ring: ring.name, host: ph.host, status: outcome.status, detail: outcome.error?.message });
        if (thresholdReached(ring.failure_threshold, failed, attempted) && !state.halted) {
          state.halted = `rollout halted: ring ${ring.name} reached its failure threshold (${failed} of ${attempted} host(s) failed, threshold ${ring.failure_threshold})`;
        }
      };
      await Promise.all(hosts.map((h) => queue.add(() => runHost(h))));
      const halted = thresholdReached(ring.failure_threshold, failed, attempted);
      if (halted) status = 'halted';
      journal.append({ t: 'ring', at: now().toISOString(), ring: { ring: ring.name, status: halted ? 'halted' : 'completed', reason: halted ? state.halted : undefined, failed, attempted, emergency: emergency || undefined } });
      o.onEvent?.({ kind: 'ring-end', ring: ring.name, status: halted ? 'halted' : 'completed', detail: halted ? state.halted : undefined });
    }
  } catch (e) {
    status = 'failed';
    await journal.finish(status);
    throw e;
  }
  const { record, commit } = await journal.finish(status);
  return { record, ledgerCommit: commit };
}

/** Copies the .deb artifacts a host's actions install, checks their sha256 on the host, and maps name=version to the file. */
async function uploadArtifacts(t: { exec: (c: string, o?: { stdin?: Buffer; privileged?: boolean }) => Promise<{ code: number; stderr: Buffer }>; host: string }, actions: PlannedAction[], artifacts: CheckedArtifact[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const a of actions) {
    if (a.type !== 'package-install' || !a.version || a.origin.kind !== 'remediation') continue;
    const art = artifacts.find((x) => x.remediation === (a.origin as { id: string }).id && x.deb?.name === a.name && x.deb.version === a.version);
    if (!art) continue;
    const dest = `${ARTIFACT_DIR}/${art.sha256}.deb`;
    const cmd = `set -e; umask 022; mkdir -p ${ARTIFACT_DIR}; f=${shellQuote(dest)}; cat > "$f.part"; printf '%s  %s\\n' ${art.sha256} "$f.part" | sha256sum -c --quiet -; mv -f "$f.part" "$f"`;
    const r = await t.exec(cmd, { stdin: art.bytes, privileged: true });
    if (r.code !== 0) throw new PlumbError('E_ARTIFACT_MISMATCH', `${t.host}: artifact ${art.path} did not arrive intact: ${r.stderr.toString('utf8').trim()}`);
    files.set(`${a.name}=${a.version}`, dest);
  }
  return files;
}

function uniqueApprovals(list: ApprovalRef[]): ApprovalRef[] {
  return [...new Map(list.map((a) => [a.id, a])).values()];
}

function summarizeReasons(skipped: Array<{ reason: string }>): string {
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  return reasons.length ? reasons.join('; ') : 'nothing to do';
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

export { actionRecord };
