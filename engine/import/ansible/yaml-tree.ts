import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { problemAt, type Problem } from '../../model/problem.js';
import { VaultedValue, type Loc } from './types.js';

/**
 * Ansible's YAML files (inventories, group_vars, host_vars) as a small tree that keeps each node's place.
 * Ansible reads YAML 1.1 (PyYAML): `yes`/`no` are booleans, as there. `!vault` values stay opaque and
 * `!unsafe` is plain text; bounded like the desired state's own YAML (size, aliases, depth).
 */
export type YNode =
  | { kind: 'map'; at: Loc; entries: Array<{ key: string; keyAt: Loc; value: YNode }> }
  | { kind: 'seq'; at: Loc; items: YNode[] }
  | { kind: 'scalar'; at: Loc; value: unknown };

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_DEPTH = 64;

export function readYamlTree(file: string, text: string): { tree: YNode | null; problems: Problem[] } {
  const fail = (message: string, line = 1, col = 1, hint?: string) => ({ tree: null, problems: [problemAt({ file, line, col, pointer: '' }, 'ansible-inventory', message, { hint })] });
  if (text.length > MAX_BYTES) return fail(`file is larger than ${MAX_BYTES} bytes`);
  const lc = new LineCounter();
  const loc = (offset: number | undefined): Loc => ({ file, ...lc.linePos(offset ?? 0) });
  const doc = parseDocument(text, {
    lineCounter: lc,
    version: '1.1',
    uniqueKeys: true,
    prettyErrors: false,
    customTags: (tags) => [
      ...tags,
      { tag: '!vault', resolve: () => ({ vaulted: true }) },
      { tag: '!unsafe', resolve: (s: string) => s },
    ],
  });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const p = lc.linePos(e.pos[0]);
    return fail(`YAML could not be parsed: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '')}`, p.line, p.col);
  }
  let aliases = 0;
  const walk = (node: Node | null | undefined, depth: number): YNode => {
    if (depth > MAX_DEPTH) throw Object.assign(new Error(`nesting deeper than ${MAX_DEPTH} levels`), { at: loc(node?.range?.[0]) });
    if (isAlias(node)) {
      if (++aliases > 100) throw Object.assign(new Error('too many YAML alias expansions (possible alias bomb)'), { at: loc(node.range?.[0]) });
      return walk(node.resolve(doc) as Node | undefined, depth + 1);
    }
    const at = loc(node?.range?.[0]);
    if (isMap(node)) {
      const entries = node.items.map((pair) => {
        const k = pair.key as Node | null;
        const key = isScalar(k) ? String(k.value) : String(k);
        return { key, keyAt: loc(k?.range?.[0]), value: walk(pair.value as Node | null, depth + 1) };
      });
      return { kind: 'map', at, entries };
    }
    if (isSeq(node)) return { kind: 'seq', at, items: node.items.map((n) => walk(n as Node, depth + 1)) };
    if (isScalar(node)) {
      const v = node.value as unknown;
      return { kind: 'scalar', at, value: v && typeof v === 'object' && (v as { vaulted?: boolean }).vaulted ? new VaultedValue(at) : v };
    }
    return { kind: 'scalar', at, value: null };
  };
  try {
    return { tree: walk(doc.contents as Node | null, 0), problems: [] };
  } catch (e) {
    const at = (e as { at?: Loc }).at ?? { file, line: 1, col: 1 };
    return fail((e as Error).message, at.line, at.col);
  }
}

/** A node as a plain value (for variables); maps keep insertion order. */
export function toValue(node: YNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map(toValue);
  const out: Record<string, unknown> = {};
  for (const e of node.entries) out[e.key] = toValue(e.value);
  return out;
}
