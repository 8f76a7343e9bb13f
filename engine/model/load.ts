import { createHash } from 'node:crypto';
import type { ApprovalDocument, BaselineDocument, ExceptionDocument, InventoryDocument, RemediationDocument } from './types.generated.js';
import { emptyModel, type Model, type Sourced } from './types.js';
import { pointerJoin, problemAt, sortProblems, type Problem, type Provenance } from './problem.js';
import { DEFAULT_LIMITS, type ParsedYaml, type YamlLimits } from './yaml.js';
import { readCommit, readWorktree, type Snapshot } from './source.js';
import { checkFile, type CheckedFile } from './check.js';
import { CheckCache } from './check-cache.js';
import { resolveBaselines } from './extends.js';
import { runRules } from './rules/index.js';

export interface LoadResult {
  model: Model;
  /** Errors and warnings, sorted by file and line. */
  problems: Problem[];
  /** Number of YAML documents read. */
  documents: number;
  /** sha256 over every desired-state file (path and bytes): a saved plan is stale when it changes. */
  digest: string;
}

export interface LoadOptions {
  limits?: YamlLimits;
  /** Remember clean files under .plumb/cache/ between loads (default true); see check-cache.ts. */
  cache?: boolean;
  /** The clock used for expiry and deadline warnings; injected so that checks are reproducible. */
  now?: Date;
}

export { kindOf } from './check.js';

/** Reads from the working tree (ref undefined) or from a commit, then loads. */
export async function loadRepository(root: string, ref?: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  // Custom limits change what a check concludes: only the defaults share the cache.
  const cache = CheckCache.open(opts.cache === false || opts.limits ? null : root);
  const known = (path: string, id: string) => cache.has(path, id);
  const snapshot = ref ? await readCommit(root, ref, { maxBytes: limits.maxBytes, known }) : readWorktree(root, { maxBytes: limits.maxBytes });
  const remembered = snapshot.files.map((f) => (f.id ? cache.get(f) : undefined));
  const fresh = snapshot.files.filter((_, i) => !remembered[i]);
  // Parsing dominates a cold load (the `yaml` parser runs at about 2 MB/s). Worker threads were tried and measured:
  // on two cores they gained nothing (allocation-heavy parsing contends), so files are checked here, and the
  // check cache spares the work on every later load.
  const checkedFresh = fresh.map((f) => checkFile(f, limits));
  let k = 0;
  const checked = snapshot.files.map((f, i) => {
    if (remembered[i]) return remembered[i]!;
    const c = checkedFresh[k++] ?? null;
    if (c) cache.put(f, c);
    return c;
  });
  cache.save();
  return { ...buildModel(snapshot.commit, checked, opts), digest: snapshotDigest(snapshot) };
}

/** Pure: bytes in, model and problems out. */
export function loadSnapshot(snapshot: Snapshot, opts: LoadOptions = {}): LoadResult {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  return { ...buildModel(snapshot.commit, snapshot.files.map((f) => checkFile(f, limits)), opts), digest: snapshotDigest(snapshot) };
}

/** Identity of the desired-state files: by content id where known (git blob id, or sha256 of the bytes), else the bytes. */
export function snapshotDigest(snapshot: Snapshot): string {
  const h = createHash('sha256');
  for (const f of [...snapshot.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    h.update(`${f.path}\u0000`);
    if (f.id) h.update(`id:${f.id}\u0000`);
    else h.update(`${f.bytes.length}\u0000`).update(f.bytes);
  }
  return h.digest('hex');
}

/** Joins checked files into one model, then resolves references and runs the cross-document rules. */
export function buildModel(commit: string | null, checked: Array<CheckedFile | null>, opts: LoadOptions = {}): Omit<LoadResult, 'digest'> {
  const snapshot = { commit };
  const model = emptyModel(commit);
  const problems: Problem[] = [];
  const at = (doc: ParsedYaml, pointer: string): Provenance => ({ ...doc.locate(pointer), commit: snapshot.commit });
  let documents = 0;
  const docs = new Map<string, ParsedYaml>();
  const unreadable = new Set<string>();
  docPositions.set(model, docs);

  // Where a ring list or board was first declared, so a second declaration can point at both.
  const declaredAt = new Map<string, Provenance>();
  /** Rings, the board and the policy are decided in one place: true for the first file declaring a section, a problem at both for any other. */
  const firstDeclaration = (section: string, label: string, src: Provenance): boolean => {
    const first = declaredAt.get(section);
    if (!first) {
      declaredAt.set(section, src);
      return true;
    }
    problems.push(problemAt(src, 'duplicate-section', `${label} declared in more than one file`, { hint: `one review decides it; also declared at ${first.file}:${first.line}` }));
    problems.push(problemAt(first, 'duplicate-section', `${label} declared in more than one file`, { hint: `also declared at ${src.file}:${src.line}` }));
    return false;
  };
  const seen = new Map<string, Provenance>();
  const reportedFirst = new Set<string>();
  // Both declarations get a problem, so a pull-request annotation lands on each file involved.
  const unique = (kind: string, id: string, source: Provenance): boolean => {
    const key = `${kind}\u0000${id}`;
    const first = seen.get(key);
    if (first) {
      problems.push(problemAt(source, 'duplicate-id', `${kind} '${id}' is declared twice`, { hint: `also declared at ${first.file}:${first.line}` }));
      if (!reportedFirst.has(key)) {
        reportedFirst.add(key);
        problems.push(problemAt(first, 'duplicate-id', `${kind} '${id}' is declared twice`, { hint: `also declared at ${source.file}:${source.line}` }));
      }
      return false;
    }
    seen.set(key, source);
    return true;
  };

  for (const file of checked) {
    if (!file) continue;
    documents++;
    const { kind } = file;
    if (!file.doc) {
      problems.push(...file.problems);
      continue;
    }
    const doc = file.doc;
    const schemaProblems = file.problems;
    problems.push(...schemaProblems);
    // An invalid object is left out, but its name is remembered so that references to it are not reported
    // a second time as dangling: one mistake, one message.
    const badAt = (pointer: string) => schemaProblems.some((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`));
    if (kind !== 'inventory' && schemaProblems.length) {
      const v = doc.value as { id?: unknown; name?: unknown };
      const name = kind === 'baseline' ? v.name : v.id;
      if (typeof name === 'string') unreadable.add(`${kind}:${name}`);
      continue;
    }
    if (kind === 'inventory' && schemaProblems.some((p) => p.pointer === '')) continue;
    const withSource = <T extends object>(value: T, pointer: string): T & Sourced => ({ ...value, source: at(doc, pointer) });

    switch (kind) {
      case 'inventory': {
        const inv = doc.value as InventoryDocument;
        const usable = <T extends object>(section: string, items: T[] | undefined, kindName: string, key: (t: T) => unknown): Array<[T, number]> => {
          if (!Array.isArray(items)) return [];
          return items.flatMap((item, i): Array<[T, number]> => {
            if (!badAt(`/${section}/${i}`)) return [[item, i]];
            const k = item && typeof item === 'object' ? key(item) : undefined;
            if (typeof k === 'string') unreadable.add(`${kindName}:${k}`);
            return [];
          });
        };
        usable('systems', inv.systems, 'system', (s) => s.name).forEach(([s, i]) => {
          const e = withSource(s, `/systems/${i}`);
          if (unique('system', s.name, e.source)) model.systems.set(s.name, e);
        });
        usable('hosts', inv.hosts, 'host', (h) => h.name).forEach(([h, i]) => {
          const e = withSource(h, `/hosts/${i}`);
          if (unique('host', h.name, e.source)) model.hosts.set(h.name, e);
        });
        usable('windows', inv.windows, 'maintenance window', (w) => w.name).forEach(([w, i]) => {
          const e = withSource(w, `/windows/${i}`);
          if (unique('maintenance window', w.name, e.source)) model.windows.set(w.name, e);
        });
        if (inv.rings && firstDeclaration('rings', 'rings are', at(doc, '/rings'))) {
          usable('rings', inv.rings, 'ring', (r) => r.name).forEach(([r, i]) => {
            const e = { ...withSource(r, `/rings/${i}`), index: i };
            if (unique('ring', r.name, e.source)) model.rings.push(e);
          });
        }
        if (inv.board && firstDeclaration('board', 'the board is', at(doc, '/board'))) {
          usable('board/members', inv.board.members, 'board member', (m) => m.id).forEach(([m, i]) => {
            const e = withSource(m, `/board/members/${i}`);
            if (unique('board member', m.id, e.source)) model.board.set(m.id, e);
          });
        }
        if (inv.policy && !badAt('/policy') && firstDeclaration('policy', 'the policy is', at(doc, '/policy'))) {
          model.policy = withSource(inv.policy, '/policy');
        }
        if (inv.admission && !badAt('/admission') && firstDeclaration('admission', 'the admission policy is', at(doc, '/admission'))) {
          model.admission = withSource(inv.admission, '/admission');
        }
        if (inv.ssh_config && !badAt('/ssh_config') && firstDeclaration('ssh_config', 'ssh_config is', at(doc, '/ssh_config'))) {
          model.sshConfig = { path: inv.ssh_config, source: at(doc, '/ssh_config') };
        }
        usable('jump_hosts', inv.jump_hosts, 'jump host', (j) => j.name).forEach(([j, i]) => {
          const e = withSource(j, `/jump_hosts/${i}`);
          if (unique('jump host', j.name, e.source)) model.jumpHosts.set(j.name, e);
        });
        break;
      }
      case 'baseline': {
        const e = withSource(doc.value as BaselineDocument, '');
        if (unique('baseline', e.name, e.source)) model.baselines.set(e.name, e);
        break;
      }
      case 'remediation': {
        const e = withSource(doc.value as RemediationDocument, '');
        if (unique('remediation', e.id, e.source)) model.remediations.set(e.id, e);
        break;
      }
      case 'approval': {
        const e = withSource(doc.value as ApprovalDocument, '');
        if (unique('approval', e.id, e.source)) model.approvals.set(e.id, e);
        break;
      }
      case 'exception': {
        const e = withSource(doc.value as ExceptionDocument, '');
        if (unique('exception', e.id, e.source)) model.exceptions.set(e.id, e);
        break;
      }
    }
    // Keep the parsed document's positions reachable for rules that point inside a document.
    docs.set(doc.file, doc);
  }

  const resolved = resolveBaselines(model.baselines, (file, pointer) => locateIn(model, file, pointer), unreadable);
  model.resolvedBaselines = resolved.baselines;
  problems.push(...resolved.problems);
  problems.push(...runRules(model, { now: opts.now ?? new Date(), locate: (file, pointer) => locateIn(model, file, pointer), unreadable }));
  return { model, problems: sortProblems(problems), documents };
}

const docPositions = new WeakMap<Model, Map<string, ParsedYaml>>();

/** Position of a JSON pointer inside one of the model's documents. */
export function locateIn(model: Model, file: string, pointer: string): Provenance {
  const doc = docPositions.get(model)?.get(file);
  const p = doc ? doc.locate(pointer) : { file, pointer, line: 1, col: 1 };
  return { ...p, commit: model.commit };
}

export { pointerJoin };
