/** Where a loaded object came from: a file, a position in it, and the commit it was read from. */
export interface Provenance {
  file: string;
  line: number;
  col: number;
  /** JSON pointer into the document, e.g. /packages/required/2 */
  pointer: string;
  /** Commit SHA the file was read from; null for the working tree. */
  commit: string | null;
}

/** One problem in the desired state, returned as a value so that all of them can be shown at once. */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable code, e.g. schema, yaml, duplicate-id, dangling-reference, extends-cycle. */
  code: string;
  message: string;
  hint?: string;
  file: string;
  line: number;
  col: number;
  pointer: string;
}

const formatted = new WeakMap<Provenance, string>();

/** `file:line@commit`: the short form used in findings and plans (one string per provenance, however many hosts cite it). */
export function formatProvenance(p: Provenance): string {
  let s = formatted.get(p);
  if (s === undefined) formatted.set(p, (s = `${p.file}:${p.line}@${p.commit ? p.commit.slice(0, 12) : 'worktree'}`));
  return s;
}

export function problemAt(
  source: Pick<Provenance, 'file' | 'line' | 'col' | 'pointer'>,
  code: string,
  message: string,
  opts: { hint?: string; severity?: 'error' | 'warning' } = {},
): Problem {
  return {
    severity: opts.severity ?? 'error',
    code,
    message,
    hint: opts.hint,
    file: source.file,
    line: source.line,
    col: source.col,
    pointer: source.pointer,
  };
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}

/** JSON pointer escaping (RFC 6901). */
export function pointerJoin(base: string, key: string | number): string {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
