import type { Problem } from './problem.js';
import type { SourceFile } from './source.js';
import { validateDocument, type DocumentKind } from './validate.js';
import { DEFAULT_LIMITS, parseYaml, type ParsedYaml, type YamlLimits } from './yaml.js';

/** One file after parsing and schema validation, before it joins the model. */
export interface CheckedFile {
  path: string;
  kind: DocumentKind;
  problems: Problem[];
  /** Absent when the file could not be parsed at all. */
  doc?: ParsedYaml;
}

/** Which schema a repository path is checked against, by its folder. */
export function kindOf(path: string): DocumentKind | null {
  if (path.startsWith('inventory/')) return 'inventory';
  if (path.startsWith('baselines/')) return 'baseline';
  if (path.startsWith('remediations/approvals/')) return 'approval';
  if (path.startsWith('remediations/exceptions/')) return 'exception';
  if (path.startsWith('remediations/')) return 'remediation';
  return null;
}

/** Parse + schema: everything about a file that does not need the other files. Independent per file, so it parallelizes. */
export function checkFile(file: SourceFile, limits: YamlLimits = DEFAULT_LIMITS): CheckedFile | null {
  const kind = kindOf(file.path);
  if (!kind) return null;
  const fail = (code: string, message: string, hint?: string): CheckedFile => ({
    path: file.path,
    kind,
    problems: [{ severity: 'error', code, message, hint, file: file.path, line: 1, col: 1, pointer: '' }],
  });
  if (file.refused) return fail('refused', file.refused);
  const parsed = parseYaml(file.path, file.bytes, limits);
  if (!parsed.ok) return { path: file.path, kind, problems: parsed.problems };
  if (parsed.doc.value === null || parsed.doc.value === undefined) return fail('empty', 'the document is empty', `a ${kind} document is expected here`);
  return { path: file.path, kind, problems: validateDocument(kind, parsed.doc), doc: parsed.doc };
}
