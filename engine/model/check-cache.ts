import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { plumbDir } from './state-dir.js';
import { join } from 'node:path';
import type { CheckedFile } from './check.js';
import type { SourceFile } from './source.js';
import { ParsedYaml } from './yaml.js';

/**
 * Parsing and schema-checking a large organization costs seconds (the `yaml` parser runs at about 2 MB/s), yet
 * between two scheduled runs almost every file is unchanged. Files that checked clean are remembered by path and
 * content id (the git blob id, or sha256 of the bytes), so the next load neither reads nor parses them again.
 * The cache is a plain file under .plumb/cache/ (git-ignored); it is keyed by a fingerprint of the schemas and
 * this module's version, so a plumb upgrade or a schema change starts it afresh. Losing it only costs time.
 */
const FORMAT = 1;

interface Entry {
  kind: CheckedFile['kind'];
  value: unknown;
  positions: Array<[string, number]>;
  lineStarts: number[];
}

export class CheckCache {
  private readonly entries: Map<string, Entry>;
  private readonly used = new Map<string, Entry>();
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly fingerprint: string,
    entries: Map<string, Entry>,
    private readonly root: string | null = null,
  ) {
    this.entries = entries;
  }

  /** Opens the cache of a repository; a missing, foreign or damaged cache file is simply an empty cache. */
  static open(root: string | null): CheckCache {
    const fingerprint = engineFingerprint();
    const file = root ? join(root, '.plumb', 'cache', 'checked.json') : null;
    const dir = root;
    let entries = new Map<string, Entry>();
    if (file) {
      try {
        const data = JSON.parse(readFileSync(file, 'utf8')) as { format: number; fingerprint: string; entries: Record<string, Entry> };
        if (data.format === FORMAT && data.fingerprint === fingerprint) entries = new Map(Object.entries(data.entries));
      } catch {
        /* no cache yet, or not one we can read: start empty */
      }
    }
    return new CheckCache(file, fingerprint, entries, dir);
  }

  has(path: string, id: string): boolean {
    return this.entries.has(`${path}\u0000${id}`);
  }

  /** The remembered result for a file that checked clean, rebuilt as the checker would return it. */
  get(file: SourceFile): CheckedFile | undefined {
    const key = `${file.path}\u0000${file.id}`;
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.used.set(key, e);
    return { path: file.path, kind: e.kind, problems: [], doc: new ParsedYaml(file.path, e.value, new Map(e.positions), e.lineStarts) };
  }

  /** Remembers a file that checked clean; files with problems are checked again every time. */
  put(file: SourceFile, checked: CheckedFile): void {
    if (!file.id || checked.problems.length || !checked.doc || !jsonSafe(checked.doc.value)) return;
    const key = `${file.path}\u0000${file.id}`;
    this.used.set(key, { kind: checked.kind, value: checked.doc.value, positions: [...checked.doc.positions], lineStarts: checked.doc.lineStarts });
    this.dirty = true;
  }

  /**
   * Writes what this load used, plus older entries up to as many again (a working tree and a commit of the same
   * files have different content ids, and both are loaded), so files long gone drop out. Atomic.
   */
  save(): void {
    if (!this.file || (!this.dirty && this.used.size === this.entries.size)) return;
    const keep = new Map(this.used);
    for (const [k, e] of this.entries) {
      if (keep.size >= 2 * this.used.size) break;
      if (!keep.has(k)) keep.set(k, e);
    }
    try {
      plumbDir(this.root!, 'cache');
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, fingerprint: this.fingerprint, entries: Object.fromEntries(keep) }));
      renameSync(tmp, this.file);
    } catch {
      /* a read-only checkout: the next load parses again */
    }
  }
}

/** Values that survive JSON unchanged: YAML can also produce NaN, Infinity and -0, which JSON would not keep. */
function jsonSafe(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (v === null || typeof v !== 'object') return typeof v !== 'undefined' && typeof v !== 'bigint';
  if (Array.isArray(v)) return v.every(jsonSafe);
  return Object.values(v as Record<string, unknown>).every(jsonSafe);
}

let fingerprintMemo: string | undefined;
/** The schemas and the package version: what a cached check result depends on besides the file itself. */
function engineFingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo;
  const h = createHash('sha256');
  const dir = new URL('./schema/', import.meta.url);
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(new URL(f, dir)));
  try {
    h.update(readFileSync(new URL('../../../package.json', import.meta.url)));
  } catch {
    h.update('no package.json');
  }
  return (fingerprintMemo = h.digest('hex'));
}
