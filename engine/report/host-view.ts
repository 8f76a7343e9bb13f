import { actionSubject } from '../ledger/trace.js';
import { hostExposure } from '../metrics/exposure.js';
import { remediationProgress } from '../metrics/progress.js';
import { formatDuration, iso } from '../metrics/time.js';
import type { Timeline } from '../metrics/timeline.js';
import type { CommitInfo, MetricsInput } from '../metrics/types.js';
import { assessHost, matchIds } from '../metrics/vulnerabilities.js';
import type { HostRecord, RunRecord } from '../ledger/types.js';
import type { HostEntry } from '../model/types.js';

const at = (p: { file: string; line: number; commit: string | null }) => `${p.file}:${p.line}${p.commit ? `@${p.commit.slice(0, 12)}` : ''}`;

/** Finds a commit by its full or abbreviated id (the ledger cites 12 digits: those are looked up directly). */
export function commitLookup(commits: Record<string, CommitInfo>): (id: string) => CommitInfo | undefined {
  const list = Object.values(commits);
  const by12 = new Map(list.map((c) => [c.sha.slice(0, 12), c]));
  return (id) => commits[id] ?? (id.length === 12 ? by12.get(id) : id.length >= 7 ? list.find((c) => c.sha.startsWith(id)) : undefined);
}

/** Per host, the runs that touched it (oldest first) with the host's own record: built once for every page. */
export function runsByHost(runs: RunRecord[]): Map<string, Array<{ run: RunRecord; host: HostRecord }>> {
  const out = new Map<string, Array<{ run: RunRecord; host: HostRecord }>>();
  for (const run of runs) for (const host of run.hosts) (out.get(host.host) ?? out.set(host.host, []).get(host.host)!).push({ run, host });
  return out;
}

/**
 * Everything the page of one host shows: what it is, what is open on it and why (the YAML behind each finding),
 * what is left out and by which exception, its services and exposure, every run that touched it (newest first)
 * and the commits behind those changes. Pure.
 */
export function hostView(input: MetricsInput, host: HostEntry, timeline: Timeline, touched: Array<{ run: RunRecord; host: HostRecord }> = runsByHost(input.runs).get(host.name) ?? [], commit = commitLookup(input.git.commits)) {
  const { model } = input;
  const obs = input.hosts[host.name];
  const now = new Date(input.now);
  const assessment = assessHost(model, host, obs, now);
  const exposure = hostExposure(host, obs?.facts?.listening ?? null, input.program);
  const why = new Map<string, Set<string>>();
  const cite = (id: string | null | undefined, reason: string) => {
    if (!id) return;
    const c = commit(id);
    const key = c?.sha ?? id;
    (why.get(key) ?? why.set(key, new Set()).get(key)!).add(reason);
  };

  const runs = [...touched]
    .reverse()
    .map(({ run: r, host: h }) => {
      cite(r.commit, `desired state applied by run ${r.id}`);
      return {
        id: r.id,
        kind: r.kind,
        status: r.status,
        hostStatus: h.status,
        startedAt: r.startedAt,
        commit: r.commit ? r.commit.slice(0, 12) : 'working tree',
        reason: h.skipReason ?? h.error?.message,
        actions: h.actions.map((a) => {
          const src = /@([0-9a-f]{7,40})$/.exec(a.source)?.[1];
          cite(src, `${a.origin.kind === 'remediation' ? `remediation ${a.origin.id}` : `baseline ${a.origin.name}`}: ${a.source.replace(/@.*$/, '')}`);
          if (a.approval) cite(/@([0-9a-f]{7,40})$/.exec(a.approval.source)?.[1], `approval ${a.approval.id} (${a.approval.ticket})`);
          return {
            id: a.id,
            type: a.type,
            subject: actionSubject(a),
            before: a.before ?? '—',
            after: a.after ?? '—',
            result: a.result,
            when: a.verifiedAt ?? a.appliedAt ?? a.startedAt ?? '',
            source: a.source,
            origin: a.origin.kind === 'remediation' ? a.origin.id : a.origin.name,
            approval: a.approval ? `${a.approval.id} (${a.approval.ticket}, ${a.approval.approver})` : '',
            note: a.error?.message ?? a.skipReason ?? '',
          };
        }),
      };
    });

  const remediations = [...new Set([...timeline.ledgerRemediations(host.name), ...(obs?.diff?.findings ?? []).flatMap((f) => (f.origin.kind === 'remediation' ? [f.origin.id] : []))])]
    .sort()
    .flatMap((id) => {
      const r = model.remediations.get(id);
      if (!r) return [];
      const state = remediationProgress(model, r, [host], input.hosts, timeline, now).hosts[0];
      if (!state) return [];
      const files = input.git.files[r.source.file];
      if (files) cite(files.writtenCommit, `remediation ${r.id} written`);
      const knew = timeline.knewOfRemediation(r);
      return [{ id, title: r.title, severity: r.severity, kind: r.kind, state: state.state, verifiedAt: state.state === 'done' ? iso(state.at) : '', latency: state.state === 'done' && knew ? formatDuration(Math.max(0, state.at - knew.at) / 1000) : '', exception: state.state === 'excluded' ? state.exception : '' }];
    });

  const commits = [...why].map(([id, reasons]) => {
    const c = commit(id);
    return { sha: c?.sha ?? id, short: (c?.sha ?? id).slice(0, 12), date: c?.date ?? '', author: c?.author ?? '', subject: c?.subject ?? '(not in the history of the ref read)', why: [...reasons] };
  }).sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));

  return {
    name: host.name,
    system: host.system,
    impact: model.systems.get(host.system)?.impact ?? '',
    ring: host.ring,
    baseline: host.baseline,
    criticality: host.criticality ?? '',
    tags: (host.tags ?? []).join(', '),
    address: host.address,
    location: host.location ?? '',
    quarantined: host.compromised ? `since ${host.compromised.since}${host.compromised.ticket ? ` (${host.compromised.ticket})` : ''}: ${host.compromised.reason}` : '',
    owner: host.owner ?? '',
    propertyNumber: host.property_number ?? '',
    observed: Boolean(obs?.facts),
    error: obs?.error ? `${obs.error.code}: ${obs.error.message}` : '',
    gatheredAt: obs?.facts?.gatheredAt ?? '',
    os: obs?.facts?.os?.prettyName ?? (obs?.facts?.os ? `${obs.facts.os.id} ${obs.facts.os.versionId}` : ''),
    kernel: obs?.facts?.kernel ?? '',
    findings: (obs?.diff?.findings ?? []).map((f) => ({ key: f.key, kind: f.kind, message: f.message, expected: f.expected ?? '—', actual: f.actual ?? '—', origin: f.origin.kind === 'remediation' ? `remediation ${f.origin.id}` : `baseline ${f.origin.name}`, severity: f.origin.kind === 'remediation' ? f.origin.severity : '', source: at(f.source) })),
    vulnerabilities: assessment.vulnerabilities.map((v) => ({ ...v, from: v.from.join(', ') })),
    patches: assessment.patches.map((p) => ({ ...p, packages: p.packages.join(', ') })),
    matches: (obs?.vulnerabilities ?? []).map((m) => ({ advisory: m.advisoryId, ids: matchIds(m).join(', '), package: m.package, installed: m.installedVersion, fixed: m.fixed ?? 'no fix yet', severity: m.severity, status: m.status })),
    excluded: assessment.excluded,
    exposure: { internetFacing: exposure.internetFacing, exposed: exposure.exposed, rules: exposure.rules.join(', ') },
    services: (exposure.services ?? []).map((s) => ({ ...s, process: s.process ?? '' })),
    servicesKnown: exposure.services !== null,
    remediations,
    runs,
    commits,
  };
}

export type HostView = ReturnType<typeof hostView>;
