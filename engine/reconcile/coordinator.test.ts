import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionRecord } from '../apply/host.js';
import { StopState } from '../apply/stop.js';
import type { JournalEvent } from '../ledger/types.js';
import { loadRepository } from '../model/load.js';
import type { Model } from '../model/types.js';
import { assemblePlan } from '../plan/assemble.js';
import { compliantFacts } from '../plan/fixtures.test-helper.js';
import type { Plan } from '../plan/types.js';
import { RingCoordinator, type Step } from './coordinator.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const now = new Date('2026-11-25T12:00:00Z');
const at = now.toISOString();
let model: Model;
let plan: Plan;

beforeAll(async () => {
  const r = await loadRepository(root);
  // No windows, pilot fails at its first failure: the gate arithmetic is apply/gate's; here only the stepping matters.
  model = { ...r.model, windows: new Map(), systems: new Map([...r.model.systems].map(([k, v]) => [k, { ...v, window: undefined }])), hosts: new Map([...r.model.hosts].map(([k, v]) => [k, { ...v, window: undefined }])), rings: r.model.rings.map((x) => ({ ...x, soak: 0 })) };
  // Every host has /etc/issue.net drifted: one baseline action each.
  const inputs = [...model.hosts.values()].map((h) => {
    const facts = compliantFacts(model, h);
    facts.files['/etc/issue.net'] = { ...facts.files['/etc/issue.net']!, sha256: 'drift' };
    return { host: h.name, facts, digest: 'd' };
  });
  plan = assemblePlan(model, inputs, { now });
});

const make = (stop?: StopState) => new RingCoordinator({ plan, gatePlan: plan, model, verified: new Map(), refused: new Map(), now: () => now, stop });

/** Runs the coordinator to the end, ending each host it hands out as `outcome` says; returns the journal it produced. */
function drive(c: RingCoordinator, outcome: (host: string) => 'changed' | 'failed', events: JournalEvent[] = []): JournalEvent[] {
  const emit = (e: JournalEvent) => {
    events.push(e);
    c.observe(e);
  };
  for (let i = 0; i < 100; i++) {
    const s: Step = c.next(new Set());
    if (s.kind === 'done') return events;
    if (s.kind === 'ring-end') emit({ t: 'ring', at, ring: s.ring });
    else if (s.kind === 'skip-host') emit({ t: 'host-skipped', at, host: s.host.host, system: s.host.system, ring: s.ring, reason: s.reason, ...(s.failure ? { failure: s.failure } : {}) });
    else if (s.kind === 'host') hostRun(emit, s, outcome(s.host.host));
  }
  throw new Error('the coordinator did not finish');
}

function hostRun(emit: (e: JournalEvent) => void, s: Extract<Step, { kind: 'host' }>, status: 'changed' | 'failed'): void {
  emit({ t: 'host-start', at, host: { host: s.host.host, system: s.host.system, ring: s.ring, packagesBefore: {}, actions: s.run.map(actionRecord) } });
  if (status === 'changed') emit({ t: 'verified', at, host: s.host.host, verified: s.run.map((a) => a.id), unverified: [] });
  emit({ t: 'host-end', at, host: s.host.host, status });
}

describe('the ring coordinator', () => {
  it('hands out each host once, ring by ring, and closes each ring', () => {
    const events = drive(make(), () => 'changed');
    const started = events.flatMap((e) => (e.t === 'host-start' ? [e.host.host] : []));
    expect(started.sort()).toEqual([...model.hosts.keys()].sort());
    const order = events.flatMap((e) => (e.t === 'host-start' ? [model.hosts.get(e.host.host)!.ring] : e.t === 'ring' ? [`end:${e.ring.ring}`] : []));
    expect(order.indexOf('end:pilot')).toBeLessThan(order.indexOf('broad'));
    expect(events.filter((e) => e.t === 'ring').map((e) => (e as { ring: { status: string } }).ring.status)).toEqual(['completed', 'completed']);
  });

  it('halts later rings from the ledger of this run alone: a failed pilot host reaches the threshold', () => {
    const pilot = plan.hosts.filter((h) => h.ring === 'pilot').map((h) => h.host);
    const events = drive(make(), (h) => (h === pilot[0] ? 'failed' : 'changed'));
    const rings = events.flatMap((e) => (e.t === 'ring' ? [e.ring] : []));
    expect(rings.find((r) => r.ring === 'pilot')).toMatchObject({ status: 'halted', failed: 1 });
    expect(rings.find((r) => r.ring === 'broad')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/halted/) });
    expect(events.some((e) => e.t === 'host-start' && e.host.ring === 'broad')).toBe(false);
  });

  it('resumes from a journal: a host that started is never handed out again, and the tally carries over', () => {
    const first = drive(make(), () => 'changed');
    // Cut the run right after the first host-end, as a crash would.
    const cut = first.slice(0, first.findIndex((e) => e.t === 'host-end') + 1);
    const resumed = make();
    for (const e of cut) resumed.observe(e);
    const rest = drive(resumed, () => 'changed');
    const all = [...cut, ...rest].flatMap((e) => (e.t === 'host-start' ? [e.host.host] : []));
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...model.hosts.keys()].sort());
  });

  it('starts no new host once asked to stop, and records why', () => {
    const stop = new StopState();
    const c = make(stop);
    const s = c.next(new Set());
    expect(s.kind).toBe('host');
    stop.request('SIGINT');
    // The host in flight finishes; nothing else starts.
    const events: JournalEvent[] = [];
    hostRun((e) => {
      events.push(e);
      c.observe(e);
    }, s as Extract<Step, { kind: 'host' }>, 'changed');
    drive(c, () => 'changed', events);
    expect(events.filter((e) => e.t === 'host-start')).toHaveLength(1);
    expect(events.filter((e) => e.t === 'host-skipped').every((e) => /stopped \(SIGINT\)/.test((e as { reason: string }).reason))).toBe(true);
  });
});
