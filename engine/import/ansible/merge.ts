import { isMap, isScalar, isSeq, parseDocument, stringify, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ImportedHost } from './mapping.js';

/** Fields the Ansible side owns outright: set from it, and removed when it no longer says them. */
const CONNECTION_FIELDS = ['address', 'port', 'user', 'identity_file', 'transport', 'sudo'] as const;
/** Fields the mapping owns when it gives a value; a hand-written value stays when it gives none. */
const MAPPED_FIELDS = ['system', 'baseline', 'ring'] as const;
/** The order a new host's fields are written in, and where a field added to an existing host goes. */
const ORDER = ['name', 'address', 'port', 'user', 'identity_file', 'transport', 'sudo', 'system', 'baseline', 'ring', 'tags', 'variables'] as const;

export interface HostChange {
  host: string;
  change: 'added' | 'updated' | 'removed' | 'kept';
  /** The fields that changed on an updated host. */
  fields?: string[];
  note?: string;
}

export interface MergeResult {
  /** The new file, or null when nothing changed (the file is then not written at all). */
  text: string | null;
  changes: HostChange[];
}

const HEADER =
  '# Hosts imported from an Ansible inventory by `plumb inventory import ansible`. A re-import updates the\n' +
  '# connection fields and the systems, rings, baselines, tags and variables the mapping names; every other\n' +
  '# field (owner, location, host_keys …) is written by hand here and kept.\n';

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Merges imported hosts into an inventory file with the smallest textual change: the file is edited as text at
 * the exact places that change (a value, a line added or removed), so comments, order, quoting and formatting of
 * everything else stay byte for byte. A host is matched by name; only the fields the import owns are touched —
 * connection fields, system/baseline/ring when the mapping gives them, the mapping's tags and variables — and
 * hosts Ansible no longer lists are kept (and listed) unless `prune`. Pure: text in, text out.
 */
export function mergeHosts(existing: string | null, imported: ImportedHost[], managed: { tags: Set<string>; variables: Set<string> }, opts: { prune?: boolean } = {}): MergeResult {
  const text = existing ?? `${HEADER}hosts: []\n`;
  const doc = parseDocument(text);
  const edits: Edit[] = [];
  const changes: HostChange[] = [];
  const root = doc.contents;
  const found: unknown = isMap(root) ? root.get('hosts', true) : undefined;
  const seq = isSeq(found) ? (found as YAMLSeq) : undefined;
  const byName = new Map<string, YAMLMap>();
  for (const item of seq?.items ?? []) if (isMap(item)) byName.set(String(item.get('name')), item);
  const added: ImportedHost[] = [];

  for (const h of imported) {
    const node = byName.get(h.name);
    if (!node) {
      added.push(h);
      changes.push({ host: h.name, change: 'added' });
      continue;
    }
    const cur = node.toJSON() as Record<string, unknown>;
    const want: Record<string, unknown> = {};
    for (const k of CONNECTION_FIELDS) want[k] = h.fields[k];
    want.address ??= cur.address;
    for (const k of MAPPED_FIELDS) want[k] = h.fields[k] ?? cur[k];
    const tags = Array.isArray(cur.tags) ? (cur.tags as string[]) : [];
    const wantTags = new Set(h.fields.tags ?? []);
    // Existing order first (a re-import with nothing new changes nothing), then tags the mapping now adds.
    const newTags = [...new Set([...tags.filter((t) => !managed.tags.has(t) || wantTags.has(t)), ...wantTags])];
    want.tags = newTags.length ? newTags : undefined;
    const vars = (cur.variables && typeof cur.variables === 'object' ? cur.variables : {}) as Record<string, unknown>;
    const newVars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(vars)) if (!managed.variables.has(k) || (h.fields.variables && k in h.fields.variables)) newVars[k] = v;
    for (const [k, v] of Object.entries(h.fields.variables ?? {})) newVars[k] = v;
    want.variables = Object.keys(newVars).length ? newVars : undefined;

    const changed: string[] = [];
    for (const key of ORDER.slice(1)) {
      if (same(cur[key], want[key])) continue;
      changed.push(key);
      edits.push(...editField(text, node, key, want[key]));
    }
    if (changed.length) changes.push({ host: h.name, change: 'updated', fields: changed });
  }

  const wanted = new Set(imported.map((h) => h.name));
  for (const [name, node] of byName) {
    if (wanted.has(name)) continue;
    if (opts.prune) {
      edits.push({ start: lineStart(text, node.range![0]), end: lineEnd(text, node.range![2] - 1), text: '' });
      changes.push({ host: name, change: 'removed' });
    } else changes.push({ host: name, change: 'kept', note: 'not in the Ansible inventory (kept; --prune removes it)' });
  }

  if (added.length) edits.push(appendHosts(text, root as YAMLMap | null, seq, added));
  if (!edits.length && existing !== null) return { text: null, changes };
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, changes };
}

/**
 * One field of one host in an inventory file's text, set (or removed, with undefined), every other byte kept
 * (plumb rebuild pins new host keys and lifts the quarantine this way). Throws when the host is not in the file.
 */
export function editHostField(text: string, host: string, key: string, value: unknown): string {
  const doc = parseDocument(text);
  const root = doc.contents;
  const seq: unknown = isMap(root) ? root.get('hosts', true) : undefined;
  const node = isSeq(seq) ? (seq.items.find((i) => isMap(i) && String(i.get('name')) === host) as YAMLMap | undefined) : undefined;
  if (!node) throw new Error(`host '${host}' is not in this file`);
  let out = text;
  for (const e of editField(text, node, key, value).sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The edits that make one field of a host map hold `value` (undefined: the field goes). */
function editField(text: string, node: YAMLMap, key: string, value: unknown): Edit[] {
  const pairs = node.items as Pair[];
  const pair = pairs.find((p) => isScalar(p.key) && p.key.value === key);
  if (node.flow) return [{ start: node.range![0], end: node.range![1], text: flowOf(merged(node, key, value)) }];
  const indent = ' '.repeat(column(text, (pairs[0]!.key as { range: number[] }).range[0]!));
  if (!pair) {
    if (value === undefined) return [];
    // After the last field that comes before it in ORDER, so it lands where a reader expects it.
    const rank = (k: string) => ((ORDER as readonly string[]).indexOf(k) + 1 || ORDER.length + 1);
    let after = pairs[0]!;
    for (const p of pairs) if (isScalar(p.key) && rank(String(p.key.value)) <= rank(key)) after = p;
    const at = lineEnd(text, endOf(after) - 1);
    return [{ start: at, end: at, text: `${indent}${key}: ${render(value, `${indent}  `, true)}\n` }];
  }
  const v = pair.value as { range?: number[]; flow?: boolean } | null;
  if (value === undefined || !v?.range) {
    return [{ start: lineStart(text, (pair.key as { range: number[] }).range[0]!), end: lineEnd(text, endOf(pair) - 1), text: value === undefined ? '' : `${indent}${key}: ${render(value, `${indent}  `, true)}\n` }];
  }
  const block = (isMap(v) || isSeq(v)) && !v.flow;
  if (block) {
    const inner = ' '.repeat(column(text, v.range[0]!));
    const body = render(value, inner, false);
    const ended = text[v.range[1]! - 1] === '\n';
    return [{ start: v.range[0]!, end: v.range[1]!, text: typeof value === 'object' ? `${body.slice(inner.length)}${ended ? '\n' : ''}` : `${body}${ended ? '\n' : ''}` }];
  }
  return [{ start: v.range[0]!, end: v.range[1]!, text: render(value, indent, true) }];
}

/** New hosts at the end of the hosts list, in block style with ORDER's field order. */
function appendHosts(text: string, root: YAMLMap | null, seq: YAMLSeq | undefined, hosts: ImportedHost[]): Edit {
  const itemIndent = seq && !seq.flow && seq.items.length ? ' '.repeat(column(text, (seq.items[0] as { range: number[] }).range[0]!) - 3) : '  ';
  const lines = hosts.map((h) => {
    const fields = ORDER.filter((k) => h.fields[k] !== undefined).map((k) => `${k}: ${render(h.fields[k], `${itemIndent}    `, true)}`);
    return `${itemIndent}- ${fields.join(`\n${itemIndent}  `)}\n`;
  });
  if (seq && !seq.flow && seq.items.length) {
    const at = lineEnd(text, seq.range![1] - 1);
    return { start: at, end: at, text: lines.join('') };
  }
  if (seq) {
    // `hosts: []` (or a flow list): the whole value becomes a block list. A flow list that has items keeps them.
    const keep = seq.items.map((i) => `${itemIndent}- ${flowOf((i as YAMLMap).toJSON())}\n`);
    return { start: seq.range![0], end: lineEnd(text, seq.range![1] - 1), text: `\n${keep.join('')}${lines.join('')}` };
  }
  const prefix = text.length && !text.endsWith('\n') ? '\n' : '';
  return { start: text.length, end: text.length, text: `${prefix}${root ? '' : ''}hosts:\n${lines.join('')}` };
}

/** A value as YAML text: scalars as yaml writes them; lists and maps in flow style (`[a, b]`, `{ k: v }`) unless block. */
function render(value: unknown, indent: string, flow: boolean): string {
  if (value === null || typeof value !== 'object') return stringify(value, { lineWidth: 0 }).trimEnd();
  if (flow) return flowOf(value);
  if (Array.isArray(value)) return value.map((v) => `${indent}- ${render(v, `${indent}  `, true)}`).join('\n');
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${indent}${k}: ${render(v, `${indent}  `, true)}`).join('\n');
}

function flowOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return render(value, '', true);
  if (Array.isArray(value)) return `[${value.map(flowOf).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${flowOf(v)}`).join(', ')} }` : '{}';
}

function merged(node: YAMLMap, key: string, value: unknown): Record<string, unknown> {
  const cur = node.toJSON() as Record<string, unknown>;
  cur[key] = value;
  return cur;
}

function endOf(p: Pair): number {
  const v = p.value as { range?: number[] } | null;
  return v?.range ? v.range[1]! : (p.key as { range: number[] }).range[1]!;
}
function column(text: string, offset: number): number {
  return offset - lineStart(text, offset) + 1;
}
function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
function lineEnd(text: string, offset: number): number {
  const n = text.indexOf('\n', Math.max(offset, 0));
  return n < 0 ? text.length : n + 1;
}
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
