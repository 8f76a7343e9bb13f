import { manualWork } from '../manual/status.js';
import type { RunRecord } from '../ledger/types.js';
import type { Model } from '../model/types.js';
import type { MetricsInput } from './types.js';
import { matchIds } from './vulnerabilities.js';

const WORD = '[A-Za-z0-9._-]';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces whole-word mentions of the given names in free text (commit subjects, reasons, error messages). */
export function redactor(names: Array<[string, string]>): (text: string) => string {
  if (!names.length) return (t) => t;
  const sorted = [...names].sort((a, b) => b[0].length - a[0].length);
  const re = new RegExp(`(?<!${WORD})(${sorted.map(([n]) => escape(n)).join('|')})(?!${WORD})`, 'g');
  const label = new Map(sorted);
  return (t) => t.replace(re, (m) => label.get(m) ?? '[redacted]');
}

/** For one system's eyes: other systems' names, and their hosts' names and addresses, replaced in free text. */
export function systemRedactor(model: Pick<Model, 'systems' | 'hosts'>, system: string): (text: string) => string {
  return redactor([
    ...[...model.systems.keys()].filter((s) => s !== system).map((s): [string, string] => [s, '[other system]']),
    ...[...model.hosts.values()].filter((h) => h.system !== system).flatMap((h): Array<[string, string]> => [[h.name, '[other host]'], [h.address, '[other host]']]),
  ]);
}

/**
 * The input of a one-system report: only that system's hosts, their observations, the ledger narrowed to them,
 * the remediations, approvals and exceptions that concern them; no costs (they are per organization). Free text
 * that could name another system or its hosts (commit subjects, titles, reasons, ledger messages, rule names) has
 * those names replaced, so the report can be handed to the system's owner (SP 800-40 2.2.3.2). Pure.
 */
export function scopeToSystem(input: MetricsInput, system: string): MetricsInput {
  const { model } = input;
  const mine = new Set([...model.hosts.values()].filter((h) => h.system === system).map((h) => h.name));
  const redact = systemRedactor(model, system);

  const runs: RunRecord[] = input.runs.flatMap((r) => {
    const hosts = r.hosts.filter((h) => mine.has(h.host));
    if (!hosts.length) return [];
    const used = new Set(hosts.flatMap((h) => h.actions.map((a) => a.approval?.id).filter(Boolean)));
    return [
      {
        id: r.id,
        kind: r.kind,
        status: r.status,
        ...(r.recovered ? { recovered: true } : {}),
        startedAt: r.startedAt,
        ...(r.endedAt ? { endedAt: r.endedAt } : {}),
        commit: r.commit,
        ...(r.ref ? { ref: r.ref } : {}),
        approvals: r.approvals.filter((a) => used.has(a.id)),
        operator: r.operator,
        ...(r.rollbackOf ? { rollbackOf: r.rollbackOf } : {}),
        ...(r.incident && mine.has(r.incident.host) ? { incident: { ...r.incident, quarantine: { ...r.incident.quarantine, reason: redact(r.incident.quarantine.reason) }, rebuild: { ...r.incident.rebuild, ...(r.incident.rebuild.by ? { by: redact(r.incident.rebuild.by) } : {}) } } } : {}),
        rings: [],
        hosts: hosts.map((h) => ({
          ...h,
          ...(h.skipReason ? { skipReason: redact(h.skipReason) } : {}),
          ...(h.error ? { error: { code: h.error.code, message: redact(h.error.message) } } : {}),
          actions: h.actions.map((a) => ({
            ...a,
            source: redact(a.source),
            ...(a.skipReason ? { skipReason: redact(a.skipReason) } : {}),
            ...(a.error ? { error: { code: a.error.code, message: redact(a.error.message) } } : {}),
          })),
        })),
      },
    ];
  });

  const hosts = Object.fromEntries(Object.entries(input.hosts).filter(([h]) => mine.has(h)));
  // Remediations that concern the system: recorded on, found on, or answering a vulnerability of one of its hosts.
  const concerned = new Set<string>();
  const matched = new Set<string>();
  for (const r of runs) for (const h of r.hosts) for (const a of h.actions) if (a.origin.kind === 'remediation') concerned.add(a.origin.id);
  for (const obs of Object.values(hosts)) {
    for (const f of [...(obs.diff?.findings ?? []), ...(obs.diff?.suppressed ?? [])]) if (f.origin.kind === 'remediation') concerned.add(f.origin.id);
    for (const v of obs.vulnerabilities) for (const id of [v.advisoryId, ...v.aliases, ...matchIds(v)]) matched.add(id);
  }
  for (const r of model.remediations.values()) if ((r.advisories ?? []).some((i) => matched.has(i))) concerned.add(r.id);
  // Manual remediations that select one of its hosts (engine/manual): their work is the system's.
  for (const h of mine) for (const m of manualWork(model, model.hosts.get(h)!, hosts[h]?.facts ?? null, new Date(input.now))) concerned.add(m.remediation);

  const scopedModel: Model = {
    ...model,
    systems: new Map([...model.systems].filter(([s]) => s === system)),
    hosts: new Map([...model.hosts].filter(([h]) => mine.has(h))),
    remediations: new Map([...model.remediations].filter(([id]) => concerned.has(id)).map(([id, r]) => [id, { ...r, title: redact(r.title), ...(r.description ? { description: redact(r.description) } : {}) }])),
    approvals: new Map([...model.approvals].filter(([, a]) => concerned.has(a.remediation)).map(([id, a]) => [id, { ...a, ...(a.notes ? { notes: redact(a.notes) } : {}) }])),
    exceptions: new Map([...model.exceptions].filter(([, x]) => (x.host ? mine.has(x.host) : x.system === system)).map(([id, x]) => [id, { ...x, reason: redact(x.reason), ...(x.compensating_control ? { compensating_control: redact(x.compensating_control) } : {}) }])),
  };
  return {
    ...input,
    model: scopedModel,
    hosts,
    runs,
    git: { files: input.git.files, commits: Object.fromEntries(Object.entries(input.git.commits).map(([sha, c]) => [sha, { ...c, subject: redact(c.subject) }])) },
    program: { ...input.program, costs: undefined, perimeter: input.program.perimeter.map((p) => ({ ...p, ...(p.name ? { name: redact(p.name) } : {}) })) },
  };
}
