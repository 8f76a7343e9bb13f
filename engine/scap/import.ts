import { createHash } from 'node:crypto';
import { readDataStream, type DataStream } from './datastream.js';
import { mapRule } from './map-rule.js';
import { checkKeys, type ScapItem } from './mapping.js';
import { resolveProfile } from './profile.js';
import { readTailoring } from './tailoring.js';
import type { XccdfProfile, XccdfRule } from './xccdf.js';
import { parseXml } from './xml.js';

export interface ImportInput {
  /** The data stream's text and the name it is recorded under (its file name). */
  datastream: { text: string; file: string };
  tailoring?: { text: string; file: string };
  profile: string;
}

/** The same, with the content already read (the CLI reads once for --list-profiles and the import). */
export interface ParsedInput {
  ds: DataStream;
  sha256: string;
  tailoring?: { profiles: Map<string, XccdfProfile>; file: string; sha256: string };
  profile: string;
}

export interface MappedRule {
  rule: XccdfRule;
  items: ScapItem[];
  checks: string[];
  guard?: string;
  notes: string[];
  appliesIf: string[];
}

export interface UnmappedRule {
  rule: XccdfRule;
  reason: string;
}

export interface ImportResult {
  ds: DataStream;
  sha256: string;
  profile: XccdfProfile;
  tailoring?: { file: string; sha256: string };
  values: Map<string, string>;
  mapped: MappedRule[];
  unmapped: UnmappedRule[];
  warnings: string[];
}

/** Reads the data stream (and tailoring), resolves the profile and maps every selected rule. Pure: texts in. */
export function importScap(input: ImportInput): ImportResult {
  const t = input.tailoring;
  return importParsed({
    ds: readDataStream(parseXml(input.datastream.text, input.datastream.file), input.datastream.file),
    sha256: sha256(input.datastream.text),
    tailoring: t ? { profiles: readTailoring(parseXml(t.text, t.file), t.file), file: t.file, sha256: sha256(t.text) } : undefined,
    profile: input.profile,
  });
}

export function importParsed(input: ParsedInput): ImportResult {
  const ds = input.ds;
  const resolved = resolveProfile(ds.benchmark, input.profile, input.tailoring?.profiles ?? new Map<string, XccdfProfile>());
  const mapped: MappedRule[] = [];
  const unmapped: UnmappedRule[] = [];
  const claimed = new Map<string, { rule: string; item: ScapItem }>();
  for (const rule of resolved.rules) {
    const m = mapRule(ds, rule, resolved.values);
    if ('reason' in m) {
      unmapped.push({ rule, reason: m.reason });
      continue;
    }
    // Two rules wanting different things of one check cannot both hold: the first keeps it.
    const clash = m.items.flatMap((item) => checkKeys(item).map((k) => ({ k, item }))).find(({ k, item }) => claimed.has(k) && conflicts(claimed.get(k)!.item, item));
    if (clash) {
      unmapped.push({ rule, reason: `it wants ${clash.k} otherwise than ${claimed.get(clash.k)!.rule}, which is imported` });
      continue;
    }
    for (const item of m.items) for (const k of checkKeys(item)) if (!claimed.has(k)) claimed.set(k, { rule: rule.id, item });
    mapped.push({ rule, items: m.items, checks: [...new Set(m.items.flatMap(checkKeys))], guard: m.guard, notes: m.notes, appliesIf: m.appliesIf });
  }
  return {
    ds,
    sha256: input.sha256,
    profile: resolved.profile,
    tailoring: input.tailoring ? { file: input.tailoring.file, sha256: input.tailoring.sha256 } : undefined,
    values: resolved.values,
    mapped,
    unmapped,
    warnings: resolved.warnings,
  };
}

function conflicts(a: ScapItem, b: ScapItem): boolean {
  if (a.kind !== b.kind) return true;
  switch (a.kind) {
    case 'package':
      return a.state !== (b as typeof a).state;
    case 'setting':
      return a.value !== (b as typeof a).value;
    case 'sysctl':
      return a.value !== (b as typeof a).value;
    case 'service':
      return a.state !== (b as typeof a).state;
    case 'file': {
      const f = b as typeof a;
      return Boolean((a.owner && f.owner && a.owner !== f.owner) || (a.group && f.group && a.group !== f.group) || (a.maxMode && f.maxMode && a.maxMode !== f.maxMode));
    }
    case 'kernel-module':
      return false;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
