import { settle, widenRequest, type Intended } from '../apply/settle.js';
import { txnStatus } from '../apply/host-side.js';
import type { StopState } from '../apply/stop.js';
import { isTransportLoss } from '../errors/index.js';
import { gatherFacts } from '../facts/gather.js';
import { requestFor } from '../facts/request.js';
import type { Facts } from '../facts/types.js';
import { needsSettlement } from '../ledger/settle.js';
import type { HostRecord, JournalEvent, RunRecord } from '../ledger/types.js';
import type { HostEntry, Model } from '../model/types.js';
import type { TransportPool } from '../transport/pool.js';

export type SettledEvent = Extract<JournalEvent, { t: 'settled' }>;

/** Per host, the latest run whose record leaves the host's outcome open, unless a later run worked on the host since. */
export function openOutcomes(runs: RunRecord[]): Map<string, { run: RunRecord; host: HostRecord }> {
  const open = new Map<string, { run: RunRecord; host: HostRecord }>();
  for (const run of runs) {
    for (const h of run.hosts) {
      if (needsSettlement(h)) open.set(h.host, { run, host: h });
      else if (h.status !== 'skipped') open.delete(h.host);
    }
  }
  return open;
}

export interface SettleEarlierOptions {
  runs: RunRecord[];
  /** Hosts reached in this run, with the facts gathered from them (replaced here by fresh ones where a settlement needed them). */
  hosts: HostEntry[];
  facts: Map<string, Facts>;
  model: Model;
  pool: TransportPool;
  now: () => Date;
  /** How long a transaction still running on a host (a controller killed mid-transaction) is waited for. */
  waitMs: number;
  stop?: StopState;
}

/**
 * At the first contact with a host whose earlier outcome is open (a crash, a kill, a cut the run could not see the
 * end of): read the host-side journal, wait for a transaction still running there, gather the facts again and
 * compare them with what that run intended. Returns one settlement per such host, in the terms of the earlier run;
 * hosts that cannot be read now stay open (and are tried at the next contact).
 */
export async function settleEarlier(o: SettleEarlierOptions): Promise<SettledEvent[]> {
  const open = openOutcomes(o.runs);
  const out: SettledEvent[] = [];
  for (const host of o.hosts) {
    const entry = open.get(host.name);
    if (!entry || !o.facts.has(host.name) || o.stop?.level) continue;
    const attempted: Intended[] = entry.host.actions.filter((a) => a.startedAt || a.appliedAt || a.result === 'failed' || a.result === 'unverified');
    if (!attempted.length) continue;
    try {
      const t = await o.pool.get(host);
      let txns = await txnStatus(t, entry.run.id);
      const deadline = Date.now() + o.waitMs;
      while (txns.some((x) => x.state === 'running') && Date.now() < deadline && !o.stop?.level) {
        await new Promise((r) => setTimeout(r, 1_000));
        txns = await txnStatus(t, entry.run.id);
      }
      const at = o.now().toISOString();
      const running = txns.find((x) => x.state === 'running');
      if (running) {
        const s = settle(attempted, undefined, { at, why: `the ${running.step} transaction of run ${entry.run.id} still runs on the host` });
        out.push({ t: 'settled', at, host: host.name, run: entry.run.id, ...s });
        continue;
      }
      const request = requestFor(o.model, host);
      const fresh = await gatherFacts(t, request, host.name);
      o.facts.set(host.name, fresh);
      const wide = widenRequest(request, attempted);
      const observed = JSON.stringify(wide) === JSON.stringify(request) ? fresh : await gatherFacts(t, wide, host.name);
      const restoreTried = Boolean(entry.host.txns?.some((x) => x.step === 'restore') || txns.some((x) => x.step === 'restore'));
      const s = settle(attempted, observed, { at, restoreTried });
      out.push({ t: 'settled', at, host: host.name, run: entry.run.id, ...s });
    } catch (e) {
      if (!isTransportLoss(e)) throw e;
      // Unreachable again: the outcome stays open for the next contact.
    }
  }
  return out;
}
