import { isTransportLoss, PlumbError, SshConnectionLost } from '../errors/index.js';
import { factsDigest } from '../facts/digest.js';
import { gatherFacts } from '../facts/gather.js';
import { requestFor } from '../facts/request.js';
import type { Facts } from '../facts/types.js';
import type { JournalOwner } from '../ledger/journal-format.js';
import type { JournalEvent } from '../ledger/types.js';
import type { HostEntry, Model } from '../model/types.js';
import { platformFor } from '../platform/index.js';
import type { PlannedAction } from '../plan/action.js';
import type { Transport } from '../transport/index.js';
import type { TransportPool } from '../transport/pool.js';
import type { CheckedArtifact } from './artifacts.js';
import { applyHost, type HostOutcome, type HostRun } from './host.js';
import { lockHost, renewHost, unlockHost } from './host-side.js';
import { settle } from './settle.js';
import type { StopState } from './stop.js';
import { uploadArtifacts } from './upload.js';

export interface HostStepOptions {
  runId: string;
  model: Model;
  pool: TransportPool;
  journal: { append(e: JournalEvent): void };
  artifacts: CheckedArtifact[];
  now: () => Date;
  stop?: StopState;
  /** Who holds the host lock: the controller process and a line naming run, machine and state directory. */
  controller: JournalOwner;
  ownerLine: string;
  /** How long a connection that broke is tried again before the host counts as unreachable (default 60 s). */
  reconnectWindowMs?: number;
  /** How long package-manager locks and a busy host are waited for (default 120 s). */
  lockWaitSeconds?: number;
  /** Lease of the host lock in the host's own clock, renewed while the host is worked on (default 120 s). */
  hostLeaseSeconds?: number;
}

export interface HostStepResult {
  status: HostOutcome['status'] | 'skipped';
  verified: string[];
  detail?: string;
  /** The facts gathered after the host's changes, when it was examined again. */
  facts?: Facts;
}

/**
 * Everything for one host, inside one error boundary: connect, take the host's lock, check the plan's facts are
 * still the host's, upload artifacts, apply, restore, verify, release. Whatever goes wrong fails this host — named,
 * recorded, counted against its ring — and never the run: the only error let through is the controller's own
 * journal failing, since then nothing may go on unrecorded.
 */
export async function runHostStep(o: HostStepOptions, host: HostEntry, facts: Facts, run: PlannedAction[], skipped: Array<{ action: PlannedAction; reason: string }>): Promise<HostStepResult> {
  const at = () => o.now().toISOString();
  let began = false;
  let ended = false;
  const journal = {
    append(e: JournalEvent) {
      o.journal.append(e);
      if (e.t === 'host-start') began = true;
      if (e.t === 'host-end') ended = true;
    },
  };
  const skip = (reason: string, failure?: PlumbError): HostStepResult => {
    journal.append({ t: 'host-skipped', at: at(), host: host.name, system: host.system, ring: host.ring, reason, ...(failure ? { failure: { code: failure.code, message: failure.message } } : {}) });
    return { status: 'skipped', verified: [], detail: reason };
  };
  let transport: Transport | undefined;
  let locked = false;
  let changed = false;
  let renewal: NodeJS.Timeout | undefined;
  const lease = o.hostLeaseSeconds ?? 120;
  try {
    try {
      transport = await o.pool.get(host);
    } catch (e) {
      const err = asPlumb(e, 'E_SSH_CONNECT');
      return skip(`${err.code}: ${err.message}`, err);
    }
    const platform = platformFor(facts.os?.id);
    if (!platform) {
      const err = new PlumbError('E_NO_PLATFORM', `no package platform for ${facts.os?.id ?? 'an unknown OS'}`);
      return skip(err.message, err);
    }
    try {
      const lock = await lockHost(transport, { token: o.runId, owner: o.ownerLine, controller: o.controller, ttlSeconds: lease, waitMs: (o.lockWaitSeconds ?? 120) * 1000 });
      locked = true;
      // Another run changed the host after our facts were gathered: the plan no longer describes it.
      const gathered = Math.floor(Date.parse(facts.gatheredAt) / 1000);
      if (lock.lastRun && lock.lastRun !== o.runId && lock.lastRelease >= gathered) {
        const fresh = await gatherFacts(transport, requestFor(o.model, host), host.name);
        if (factsDigest(fresh) !== factsDigest(facts)) return skip(`the host changed since it was planned (run ${lock.lastRun} changed it); the next run plans it again`);
      }
    } catch (e) {
      const err = asPlumb(e, 'E_HOST_SIDE');
      if (err.code === 'E_HOST_BUSY') return skip(err.message);
      return skip(`${err.code}: ${err.message}`, err);
    }
    renewal = setInterval(() => {
      if (transport) void renewHost(transport, o.runId, lease).catch(() => undefined);
    }, Math.max(5_000, (lease * 1000) / 4));
    renewal.unref();

    const hr: HostRun = { runId: o.runId, model: o.model, host, facts, transport, reconnect, platform, journal, now: o.now, stop: o.stop, lockWaitSeconds: o.lockWaitSeconds };
    // Artifacts are uploaded once the host's record has begun: an upload that fails is that host's failure, on record.
    hr.upload = async (t: Transport) => {
      try {
        return await uploadArtifacts(t, run, o.artifacts);
      } catch (e) {
        if (!isTransportLoss(e)) throw e;
        hr.transport = await reconnect();
        return uploadArtifacts(hr.transport, run, o.artifacts);
      }
    };
    const outcome = await applyHost(hr, run, skipped);
    transport = hr.transport;
    changed = outcome.changed;
    return { status: outcome.status, verified: outcome.verified, detail: outcome.error?.message, facts: outcome.facts };
  } catch (e) {
    if ((e as PlumbError)?.code === 'E_JOURNAL') throw e;
    const err = asPlumb(e, 'E_ACTION_FAILED');
    if (!began) return skip(`${err.code}: ${err.message}`, err);
    if (!ended) {
      changed = true;
      const s = settle([], undefined, { at: at() });
      journal.append({ t: 'settled', at: at(), host: host.name, outcome: { ...s.outcome, state: 'unknown', reason: `the engine failed while it worked on the host: ${err.message}` }, actions: [] });
      journal.append({ t: 'host-end', at: at(), host: host.name, status: 'failed', error: { code: err.code, message: err.message } });
    }
    return { status: 'failed', verified: [], detail: err.message };
  } finally {
    if (renewal) clearInterval(renewal);
    if (locked && transport) await unlockHost(transport, o.runId, changed).catch(() => undefined);
  }

  /** A fresh connection, tried until the reconnect window closes (or the run is aborted). */
  async function reconnect(): Promise<Transport> {
    const deadline = Date.now() + (o.reconnectWindowMs ?? 60_000);
    let last: unknown;
    for (let attempt = 0; Date.now() < deadline && o.stop?.level !== 'abort'; attempt++) {
      try {
        transport = await o.pool.reconnect(host);
        if (locked && !(await renewHost(transport, o.runId, lease))) throw new PlumbError('E_HOST_LOCK_LOST', `${host.name}: while the connection was down, another run took the host's lock`);
        return transport;
      } catch (e) {
        if ((e as PlumbError)?.code === 'E_HOST_LOCK_LOST') throw e;
        last = e;
        await new Promise((r) => setTimeout(r, Math.min(2_000 * (attempt + 1), Math.max(0, deadline - Date.now()))));
      }
    }
    const why = last ? ` (${(last as Error).message.replace(/^cannot connect to '[^']*': /, '')})` : '';
    throw new SshConnectionLost(host.name, `no new connection within ${Math.round((o.reconnectWindowMs ?? 60_000) / 1000)} s${why}`);
  }
}

function asPlumb(e: unknown, code: string): PlumbError {
  return e instanceof PlumbError ? e : new PlumbError(code, (e as Error)?.message ?? String(e), { cause: e });
}
