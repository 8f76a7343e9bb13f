import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlumbError } from '../../errors/index.js';
import { loadRepository } from '../../model/load.js';
import { problemAt, sortProblems, type Problem } from '../../model/problem.js';
import type { AnsibleMapping } from '../../model/types.js';
import { validateDocument } from '../../model/validate.js';
import { parseYaml } from '../../model/yaml.js';
import { mapInventory, type Unmappable } from './mapping.js';
import { mergeHosts, type HostChange } from './merge.js';
import { readAnsible } from './read.js';

export const DEFAULT_MAPPING = 'ansible-mapping.yaml';
export const DEFAULT_OUTPUT = 'inventory/hosts.yaml';

export interface ImportOptions {
  repo: string;
  /** The Ansible inventory: a file or a directory. */
  source: string;
  /** The mapping file, relative to the repository (default ansible-mapping.yaml). */
  mapping?: string;
  /** Overrides the mapping's output. */
  out?: string;
  prune?: boolean;
  dryRun?: boolean;
}

export interface ImportResult {
  output: string;
  written: boolean;
  changes: HostChange[];
  unmappable: Unmappable[];
  /** Inventory and variables files read. */
  files: string[];
}

/** Bad input: every problem, located; nothing was written. */
export class ImportRefused extends PlumbError {
  constructor(readonly problems: Problem[]) {
    super('E_IMPORT_INVALID', `the import has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written`, { hint: 'fix them (file:line:col above) and run the import again', data: { problems } });
  }
}

/**
 * `plumb inventory import ansible`: read the mapping and the Ansible inventory, map the hosts, check them against
 * the rest of the desired state (the mapping's systems, rings and baselines exist; no host is already declared in
 * another inventory file), merge them into the output file with the smallest change, and check the result against
 * the inventory schema before writing it. Any problem refuses the whole import.
 */
export async function importAnsible(opts: ImportOptions): Promise<ImportResult> {
  const mappingFile = opts.mapping ?? DEFAULT_MAPPING;
  const mappingPath = path.resolve(opts.repo, mappingFile);
  const problems: Problem[] = [];
  let mapping: AnsibleMapping = {};
  let mappingDoc: ReturnType<typeof parseYaml> | undefined;
  if (fs.existsSync(mappingPath)) {
    mappingDoc = parseYaml(path.relative(opts.repo, mappingPath), fs.readFileSync(mappingPath));
    if (!mappingDoc.ok) problems.push(...mappingDoc.problems);
    else {
      problems.push(...validateDocument('ansible-mapping', mappingDoc.doc));
      mapping = (mappingDoc.doc.value ?? {}) as AnsibleMapping;
    }
  } else if (opts.mapping) {
    problems.push(problemAt({ file: mappingFile, line: 1, col: 1, pointer: '' }, 'ansible-mapping', `the mapping file ${mappingFile} does not exist`));
  }
  const output = opts.out ?? mapping.output ?? DEFAULT_OUTPUT;
  const read = readAnsible(opts.source, opts.repo);
  problems.push(...read.problems);
  if (problems.length) throw new ImportRefused(sortProblems(problems));

  const mapped = mapInventory(read.hosts, mapping);
  const { model, problems: modelProblems } = await loadRepository(opts.repo, undefined, { cache: false });
  const outputRel = path.relative(opts.repo, path.resolve(opts.repo, output));
  // The mapping's targets must exist: a typo would otherwise put every host in a system nobody declared.
  if (mappingDoc?.ok && !modelProblems.some((p) => p.severity === 'error')) {
    const known = { systems: model.systems, rings: new Map(model.rings.map((r) => [r.name, r])), baselines: model.baselines };
    for (const section of ['systems', 'rings', 'baselines'] as const) {
      for (const [group, target] of Object.entries(mapping[section] ?? {})) {
        if (target !== undefined && !known[section].has(target)) problems.push(problemAt(mappingDoc.doc.locate(`/${section}/${group}`), 'dangling-reference', `${section}: ${group} → '${target}', which the desired state does not declare`));
      }
      const d = mapping.defaults?.[section.slice(0, -1) as 'system' | 'ring' | 'baseline'];
      if (d !== undefined && !known[section].has(d)) problems.push(problemAt(mappingDoc.doc.locate(`/defaults/${section.slice(0, -1)}`), 'dangling-reference', `defaults: '${d}' is not a declared ${section.slice(0, -1)}`));
    }
  }
  const elsewhere = mapped.hosts.filter((h) => {
    const e = model.hosts.get(h.name);
    return e && e.source.file !== outputRel;
  });
  for (const h of elsewhere) {
    const e = model.hosts.get(h.name)!;
    problems.push(problemAt({ ...h.at, pointer: '' }, 'duplicate-id', `host '${h.name}' is already declared in ${e.source.file}:${e.source.line}`, { hint: 'a host is declared in one inventory file: move it to the output file or rename it' }));
  }
  if (problems.length) throw new ImportRefused(sortProblems(problems));

  const outPath = path.resolve(opts.repo, output);
  const existing = fs.existsSync(outPath) ? fs.readFileSync(outPath, 'utf8') : null;
  const merged = mergeHosts(existing, mapped.hosts, { tags: mapped.managedTags, variables: mapped.managedVariables }, { prune: opts.prune });
  if (merged.text !== null) {
    const parsed = parseYaml(outputRel, Buffer.from(merged.text));
    const invalid = parsed.ok ? validateDocument('inventory', parsed.doc) : parsed.problems;
    if (invalid.length) throw new ImportRefused(invalid);
    if (!opts.dryRun) {
      fs.mkdirSync(path.dirname(outPath), { recursive: true });
      const tmp = `${outPath}.plumb-import.tmp`;
      fs.writeFileSync(tmp, merged.text);
      fs.renameSync(tmp, outPath);
    }
  }
  return { output: outputRel, written: merged.text !== null && !opts.dryRun, changes: merged.changes, unmappable: mapped.unmappable, files: read.files };
}
