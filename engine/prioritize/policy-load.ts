import { PolicyInvalid } from '../errors/advisories.js';
import type { Problem, Provenance } from '../model/problem.js';
import { readWorktree, type Snapshot } from '../model/source.js';
import type { InventoryDocument } from '../model/types.generated.js';
import { validateDocument } from '../model/validate.js';
import { parseYaml } from '../model/yaml.js';
import { resolvePolicy, type Policy } from './policy.js';

/**
 * The policy as the inventory declares it. Pure over a snapshot of the inventory files; like rings and the board,
 * the policy is declared in one file only, so that one review decides it.
 */
export function policyFromSnapshot(snapshot: Snapshot): { policy: Policy; source?: Provenance; problems: Problem[] } {
  const problems: Problem[] = [];
  let found: { doc: NonNullable<InventoryDocument['policy']>; source: Provenance } | undefined;
  for (const file of snapshot.files) {
    if (!file.path.startsWith('inventory/') || file.refused) continue;
    const parsed = parseYaml(file.path, file.bytes);
    if (!parsed.ok) continue; // `plumb validate` reports unreadable files; only the policy matters here
    const value = parsed.doc.value as InventoryDocument | null;
    if (!value || typeof value !== 'object' || !('policy' in value)) continue;
    const source: Provenance = { ...parsed.doc.locate('/policy'), commit: snapshot.commit };
    const schema = validateDocument('inventory', parsed.doc).filter((p) => p.pointer === '/policy' || p.pointer.startsWith('/policy/'));
    if (schema.length) {
      problems.push(...schema);
      continue;
    }
    if (found) {
      problems.push({ severity: 'error', code: 'duplicate-section', message: 'the policy is declared in more than one file', hint: `it is declared at ${found.source.file}:${found.source.line}`, file: source.file, line: source.line, col: source.col, pointer: '/policy' });
      continue;
    }
    found = { doc: value.policy!, source };
  }
  return { policy: resolvePolicy(found?.doc), ...(found ? { source: found.source } : {}), problems };
}

/** The working tree's policy; throws PolicyInvalid (with every problem in data.problems) when it does not validate. */
export function loadPolicy(root: string): { policy: Policy; source?: Provenance } {
  const r = policyFromSnapshot(readWorktree(root, { dirs: ['inventory'] }));
  if (r.problems.length) throw new PolicyInvalid(r.problems.length, { problems: r.problems });
  return { policy: r.policy, ...(r.source ? { source: r.source } : {}) };
}
