import { remediationApplies } from '../diff/applicability.js';
import type { Facts } from '../facts/types.js';
import { endOf } from '../model/rules/expiry.js';
import type { HostEntry, Model, RemediationEntry } from '../model/types.js';
import { evaluateCheck, type CheckVerdict } from './check.js';

/**
 * One manual remediation on one host (SP 800-40 4.1.5). It is done only when a person attested it there and, where
 * it has a check, the check passes on the host's facts. Attestations are signed records (`plumb attest`); until a
 * host has a valid one, `attestation` is null and the work is open, whatever the check says.
 */
export interface ManualItem {
  remediation: string;
  title: string;
  host: string;
  system: string;
  severity: RemediationEntry['severity'];
  owner: string;
  /** The due date (the remediation's deadline). */
  deadline: string;
  overdue: boolean;
  /** The check's verdict on this host, or null when the remediation has none. */
  check: (CheckVerdict & { kind: 'package' | 'file' | 'command' }) | null;
  attestation: { id: string; by: string; date: string } | null;
  /** open: not attested; attested: attested, but its check does not pass (yet); done: attested and verified. */
  state: 'open' | 'attested' | 'done';
  source: string;
}

/** Valid attestations, by remediation and host (engine/manual/attestations; none until they are signed and verified). */
export type AttestationIndex = ReadonlyMap<string, { id: string; by: string; date: string }>;
export const attestationKey = (remediation: string, host: string) => `${remediation}\u0000${host}`;

export function isManual(r: RemediationEntry): boolean {
  return r.kind === 'manual';
}

/** The manual work on one host: every manual remediation whose selector takes it. Pure. */
export function manualWork(model: Model, host: HostEntry, facts: Facts | null, now: Date, attested: AttestationIndex = new Map()): ManualItem[] {
  const out: ManualItem[] = [];
  for (const r of model.remediations.values()) {
    if (!isManual(r) || !r.manual) continue;
    if (facts ? !remediationApplies(r, host, facts, model).applies : !selectsWithoutFacts(r, host)) continue;
    const c = r.manual.check;
    const kind = c?.package ? 'package' : c?.file ? 'file' : 'command';
    const check = c ? { kind, ...(facts ? evaluateCheck(r.id, c, facts) : { state: 'unknown' as const, detail: 'the host was not examined' }) } as ManualItem['check'] : null;
    const attestation = attested.get(attestationKey(r.id, host.name)) ?? null;
    const state: ManualItem['state'] = !attestation ? 'open' : !check || check.state === 'passed' ? 'done' : 'attested';
    const deadline = r.deadline!;
    out.push({
      remediation: r.id,
      title: r.title,
      host: host.name,
      system: host.system,
      severity: r.severity,
      owner: r.manual.owner,
      deadline,
      overdue: state !== 'done' && endOf(deadline) < now.getTime(),
      check,
      attestation,
      state,
      source: `${r.source.file}:${r.source.line}`,
    });
  }
  return out;
}

/** Without facts, only the conditions that need none (hosts, systems, tags); a platform or package condition needs facts. */
function selectsWithoutFacts(r: RemediationEntry, host: HostEntry): boolean {
  const s = r.selector;
  if (s.hosts && !s.hosts.includes(host.name)) return false;
  if (s.systems && !s.systems.includes(host.system)) return false;
  if (s.tags && !s.tags.some((t) => host.tags?.includes(t))) return false;
  return !s.platforms && !s.package;
}

export interface ManualTally {
  /** Host × manual remediation pairs. */
  total: number;
  done: number;
  open: number;
  /** Attested, but the check does not pass. */
  attestedUnverified: number;
  overdue: number;
}

export function tallyManual(items: readonly ManualItem[]): ManualTally {
  const t: ManualTally = { total: 0, done: 0, open: 0, attestedUnverified: 0, overdue: 0 };
  for (const i of items) {
    t.total++;
    if (i.state === 'done') t.done++;
    else if (i.state === 'attested') t.attestedUnverified++;
    else t.open++;
    if (i.overdue) t.overdue++;
  }
  return t;
}
