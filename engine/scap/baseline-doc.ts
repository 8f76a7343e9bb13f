import { basename } from 'node:path';
import { stringify } from 'yaml';
import type { BaselineDocument, ScapRuleRef, UnmappedRule } from '../model/types.js';
import type { ImportResult } from './import.js';
import type { XccdfRule } from './xccdf.js';

export interface BaselineOptions {
  name: string;
  /** VERSION_ID range the baseline applies to; default: the benchmark's CPE release (`cpe:/o:debian:debian_linux:11` → '= 11'). */
  platformVersions?: string;
}

const SEVERITIES = new Set(['unknown', 'info', 'low', 'medium', 'high']);

/**
 * The baseline an import writes: the mapped items in Plumbline's own shapes, the `scap:` provenance that ties each
 * rule to the checks it became, and the `unmapped:` rules with their reasons. Pure.
 */
export function baselineDocument(r: ImportResult, opts: BaselineOptions): BaselineDocument {
  const required = new Map<string, { name: string }>();
  const forbidden = new Map<string, { name: string; reason?: string }>();
  const files = new Map<string, { path: string; owner?: string; group?: string; max_mode?: string }>();
  const settings = new Map<string, { file: string; syntax: 'space' | 'equals'; values: Record<string, string> }>();
  const services: Record<string, 'enabled' | 'disabled' | 'masked'> = {};
  const sysctl: Record<string, string> = {};
  const modules: Record<string, 'disabled'> = {};
  for (const m of r.mapped) {
    for (const item of m.items) {
      switch (item.kind) {
        case 'package':
          if (item.state === 'installed') required.set(item.name, { name: item.name });
          else forbidden.set(item.name, { name: item.name, reason: m.rule.title || m.rule.id });
          break;
        case 'file': {
          const f = files.get(item.path) ?? { path: item.path };
          if (item.owner) f.owner = item.owner;
          if (item.group) f.group = item.group;
          if (item.maxMode) f.max_mode = item.maxMode;
          files.set(item.path, f);
          break;
        }
        case 'setting': {
          const s = settings.get(item.file) ?? { file: item.file, syntax: item.syntax, values: {} };
          s.values[item.key] = item.value;
          settings.set(item.file, s);
          break;
        }
        case 'service':
          services[item.unit] = item.state;
          break;
        case 'sysctl':
          sysctl[item.key] = item.value;
          break;
        case 'kernel-module':
          modules[item.name] = 'disabled';
          break;
      }
    }
  }
  const used = new Set(r.mapped.flatMap((m) => m.rule.oval?.exports.map((e) => e.valueId) ?? []));
  const values = Object.fromEntries([...r.values].filter(([id]) => used.has(id)).sort(([a], [b]) => a.localeCompare(b)));
  const doc: BaselineDocument = {
    name: opts.name,
    description: `${r.profile.title || r.profile.id} — imported by plumb import scap from ${basename(r.ds.file)} (${r.ds.benchmark.title} ${r.ds.benchmark.version}): ${r.mapped.length} rules mapped, ${r.unmapped.length} unmapped.`.slice(0, 4096),
  };
  const platform = platformOf(r, opts.platformVersions);
  if (platform) doc.platform = platform;
  if (required.size || forbidden.size) doc.packages = { ...(required.size ? { required: [...required.values()] } : {}), ...(forbidden.size ? { forbidden: [...forbidden.values()] } : {}) };
  if (files.size) doc.files = [...files.values()];
  if (settings.size) doc.settings = [...settings.values()];
  if (Object.keys(services).length) doc.services = services;
  if (Object.keys(sysctl).length) doc.sysctl = sysctl;
  if (Object.keys(modules).length) doc.kernel_modules = modules;
  doc.scap = {
    datastream: basename(r.ds.file),
    sha256: r.sha256,
    scap_version: r.ds.scapVersion || undefined,
    benchmark: r.ds.benchmark.id,
    version: r.ds.benchmark.version,
    profile: r.profile.id,
    profile_title: r.profile.title || undefined,
    tailoring: r.tailoring ? { file: basename(r.tailoring.file), sha256: r.tailoring.sha256 } : undefined,
    values: Object.keys(values).length ? values : undefined,
    rules: r.mapped.map((m): ScapRuleRef => ({ id: m.rule.id, ...ruleFields(m.rule), checks: m.checks as [string, ...string[]], applies_if: m.appliesIf.length ? m.appliesIf : undefined, guard: m.guard, notes: m.notes.length ? m.notes : undefined })),
  };
  if (r.unmapped.length) doc.unmapped = r.unmapped.map((u): UnmappedRule => ({ rule: u.rule.id, ...ruleFields(u.rule), reason: u.reason }));
  return doc;
}

function ruleFields(rule: XccdfRule): { title?: string; severity?: ScapRuleRef['severity']; cce?: string[]; nist?: string[] } {
  return {
    title: rule.title || undefined,
    severity: SEVERITIES.has(rule.severity) ? (rule.severity as ScapRuleRef['severity']) : undefined,
    cce: rule.cce.length ? rule.cce.filter((c) => /^CCE-[0-9]{4,6}-[0-9]$/.test(c)) : undefined,
    nist: rule.nist.length ? rule.nist : undefined,
  };
}

/** `cpe:/o:debian:debian_linux:11` → { os: debian, versions: '= 11' }; nothing when the benchmark names no OS CPE. */
function platformOf(r: ImportResult, versions?: string): BaselineDocument['platform'] | undefined {
  for (const p of r.ds.benchmark.platforms) {
    const m = /^cpe:\/o:([a-z0-9_-]+):([a-z0-9_-]+)(?::([0-9][0-9.]*))?/.exec(p);
    if (!m) continue;
    const os = m[1] === 'debian' ? 'debian' : m[2] === 'ubuntu_linux' ? 'ubuntu' : m[1] === 'redhat' ? 'rhel' : m[1]!;
    const v = versions ?? (m[3] ? `= ${m[3]}` : undefined);
    return v ? { os, versions: v } : { os };
  }
  return undefined;
}

/** The YAML text: a header saying what this is and how to redo it, then the document (unmapped rules last). */
export function renderBaseline(doc: BaselineDocument, r: ImportResult, command: string): string {
  const head = [
    `# Generated by: ${command}`,
    `# From ${basename(r.ds.file)} (sha256 ${r.sha256.slice(0, 16)}…), benchmark ${r.ds.benchmark.id} ${r.ds.benchmark.version}, profile ${r.profile.id}.`,
    `# ${r.mapped.length} rules became checks (scap.rules names each rule's checks); ${r.unmapped.length} could not, and are listed under unmapped: with the reason.`,
    '# Re-run the import to update it; extend it from a baseline of your own to change or add to it.',
    '',
  ].join('\n');
  return head + stringify(doc, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}
