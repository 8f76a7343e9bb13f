import { createHash } from 'node:crypto';
import { executePlan, type LedgerPort } from '../reconcile/execute.js';
import { diffHost } from '../diff/index.js';
import { UnknownObject, PlumbError } from '../errors/index.js';
import { factsDigest } from '../facts/digest.js';
import { gatherAll } from '../facts/gather.js';
import type { Facts } from '../facts/types.js';
import { labDown, labUp, type LabInfo } from '../lab/index.js';
import { foldJournal, Journal, newRunId } from '../ledger/index.js';
import type { JournalEvent, RunRecord } from '../ledger/types.js';
import type { HostEntry, Model } from '../model/types.js';
import { assemblePlan } from '../plan/assemble.js';
import { describeAction } from '../plan/render/describe.js';
import { TransportPool } from '../transport/pool.js';
import { rehearsalModel, targetBaselines } from './model.js';

export interface RehearsalHost {
  host: string;
  baseline: string;
  applicable: boolean;
  /** Why the remediation found nothing to do on a fresh copy of the standard configuration. */
  notApplicable?: string;
  actions: Array<{ text: string; result: string; error?: string }>;
  /** Requirements of the baseline or the remediation that do not hold after the rehearsal. */
  remaining: string[];
  passed: boolean;
}

export interface Rehearsal {
  remediation: string;
  title: string;
  commit: string | null;
  passed: boolean;
  hosts: RehearsalHost[];
  skipped: Array<{ baseline: string; why: string }>;
  run?: string;
  seconds: number;
}

export interface RehearseOptions {
  repo: string;
  model: Model;
  remediationId: string;
  keep?: boolean;
  onStep?: (message: string) => void;
}

/**
 * SP 800-40 2.6: try a remediation on non-production copies of the standard configurations it will meet. Fresh lab
 * hosts boot from the standard image, are brought to their baselines, then get the remediation; it passes when every
 * action is verified and every baseline requirement still holds afterwards. The run is recorded (kind rehearse).
 */
export async function rehearse(o: RehearseOptions): Promise<Rehearsal> {
  const started = Date.now();
  const r = o.model.remediations.get(o.remediationId);
  if (!r) throw new UnknownObject('remediation', o.remediationId, [...o.model.remediations.keys()]);
  const { rehearsable, skipped } = targetBaselines(o.model, r);
  if (!rehearsable.length) throw new PlumbError('E_REHEARSE', `no baseline that ${r.id} targets can be rehearsed in the lab`, { hint: skipped.map((s) => `${s.baseline}: ${s.why}`).join('; ') });
  const name = `rh${createHash('sha256').update(`${r.id}${process.pid}`).digest('hex').slice(0, 6)}`;
  const step = o.onStep ?? (() => undefined);
  step(`starting ${rehearsable.length} lab host(s) from the standard image (${rehearsable.join(', ')})`);
  const lab = await labUp({ name, hosts: rehearsable.length, system: 'rehearsal', rings: `rehearsal=${rehearsable.length}`, replace: true });
  const pool = new TransportPool({ agent: '' });
  try {
    const hosts = labHosts(lab, rehearsable);
    const standard = rehearsalModel(o.model, r, hosts, false);
    const withR = rehearsalModel(o.model, r, hosts, true);

    step('bringing the hosts to their baselines');
    const facts0 = await gather(standard, hosts, pool);
    const baselinePlan = assemblePlan(standard, hosts.map((h) => ({ host: h.name, facts: facts0.get(h.name)!, digest: factsDigest(facts0.get(h.name)!) })));
    await executePlan({ ledger: memoryLedger(), repoRoot: o.repo, model: standard, plan: baselinePlan, facts: facts0, pool, kind: 'rehearse', verified: new Map(), artifacts: [], refused: new Map() });

    step(`applying ${r.id}`);
    const facts1 = await gather(withR, hosts, pool);
    const plan = assemblePlan(withR, hosts.map((h) => ({ host: h.name, facts: facts1.get(h.name)!, digest: factsDigest(facts1.get(h.name)!) })));
    const { record } = await executePlan({
      ledger: { newRunId, begin: (root, s) => Journal.begin(root, s) },
      repoRoot: o.repo,
      model: withR,
      plan,
      facts: facts1,
      pool,
      kind: 'rehearse',
      verified: new Map(),
      artifacts: [],
      refused: new Map(),
    });

    step('checking every requirement again');
    const facts2 = await gather(withR, hosts, pool);
    const results: RehearsalHost[] = hosts.map((h) => {
      const planned = plan.hosts.find((p) => p.host === h.name)!;
      const mine = planned.actions.filter((a) => a.origin.kind === 'remediation');
      const hr = record.hosts.find((x) => x.host === h.name);
      const remaining = diffHost(withR, h, facts2.get(h.name)!).findings.filter((f) => f.kind !== 'reboot-required').map((f) => `${f.message} (${f.key})`);
      const actions = mine.map((a) => {
        const rec = hr?.actions.find((x) => x.id === a.id);
        return { text: describeAction(a).text, result: rec?.result ?? 'not run', error: rec?.error?.message };
      });
      const ok = actions.every((a) => a.result === 'verified') && remaining.length === 0;
      return {
        host: h.name,
        baseline: h.baseline,
        applicable: mine.length > 0,
        notApplicable: mine.length ? undefined : 'the standard image does not have an affected version, or already meets the remediation',
        actions,
        remaining,
        passed: ok,
      };
    });
    return {
      remediation: r.id,
      title: r.title,
      commit: o.model.commit,
      passed: results.every((h) => h.passed) && results.some((h) => h.applicable),
      hosts: results,
      skipped,
      run: record.id,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await pool.closeAll();
    if (!o.keep) await labDown({ name });
    else step(`lab '${name}' left up: plumb lab status --name ${name}; plumb lab down --name ${name}`);
  }
}

function labHosts(lab: LabInfo, baselines: string[]): HostEntry[] {
  return lab.hosts.map((h, i) => ({
    name: h.name,
    address: h.address,
    port: h.port,
    user: 'root',
    identity_file: lab.keyPath,
    host_keys: h.fingerprints,
    system: 'rehearsal',
    baseline: baselines[i]!,
    ring: 'rehearsal',
    source: { file: `(lab ${lab.name})`, line: 1, col: 1, pointer: '', commit: null },
  }));
}

async function gather(model: Model, hosts: HostEntry[], pool: TransportPool): Promise<Map<string, Facts>> {
  const { facts, errors } = await gatherAll(hosts, model, { pool });
  if (errors.size) throw [...errors.values()][0]!;
  return facts;
}

/** Bringing lab hosts to their baselines is preparation, not something to keep in the organization's ledger. */
function memoryLedger(): LedgerPort {
  return {
    newRunId,
    async begin(_root, start) {
      const events: JournalEvent[] = [start];
      return {
        append: (e: JournalEvent) => void events.push(e),
        finish: async (status, reason) => {
          events.push({ t: 'run-end', at: new Date().toISOString(), status, ...(reason ? { reason } : {}) });
          return { commit: '', record: foldJournal(events) as RunRecord };
        },
      };
    },
  };
}

/** The verdict a reviewer pastes into the pull request. */
export function renderRehearsal(v: Rehearsal): string {
  const out = [
    `### Rehearsal of ${v.remediation}: ${v.passed ? '✅ passed' : '❌ failed'}`,
    '',
    `${v.title} — desired state \`${v.commit?.slice(0, 12) ?? 'working tree'}\`, ${v.hosts.length} fresh lab host(s) from the standard image, ${v.seconds.toFixed(0)} s${v.run ? `, ledger run \`${v.run}\`` : ''}.`,
    '',
    '| baseline | host | remediation | verified | baseline still holds |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const h of v.hosts) {
    const verified = h.actions.length ? `${h.actions.filter((a) => a.result === 'verified').length}/${h.actions.length}` : '—';
    out.push(`| ${h.baseline} | ${h.host} | ${h.applicable ? h.actions.map((a) => a.text).join('<br>') : `not applicable: ${h.notApplicable}`} | ${verified} | ${h.remaining.length ? `❌ ${h.remaining.length} requirement(s) broken` : '✅'} |`);
  }
  for (const h of v.hosts) {
    for (const a of h.actions.filter((x) => x.result !== 'verified')) out.push('', `- **${h.host}**: ${a.text}: ${a.result}${a.error ? ` — ${a.error}` : ''}`);
    for (const m of h.remaining) out.push(`- **${h.host}** after the remediation: ${m}`);
  }
  for (const s of v.skipped) out.push('', `- ${s.baseline} not rehearsed: ${s.why}`);
  return `${out.join('\n')}\n`;
}
