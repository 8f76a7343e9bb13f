import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a tool is on PATH, or null: an oracle test without its tool is skipped, never passed. */
export function which(tool: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

/** mulberry32: a seeded generator, so that a failing sample can be reproduced from the printed seed. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

export function sample<T>(rnd: () => number, xs: readonly T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

export interface DebianCorpus {
  /** Which files the versions came from, for the test log. */
  source: string;
  /** Package (binary or source) name → its distinct versions. */
  byPackage: Map<string, Set<string>>;
}

const LISTS = '/var/lib/apt/lists';
const STATUS = '/var/lib/dpkg/status';

/**
 * Real Debian version strings: every Version and Source version of the machine's apt lists (bookworm, -updates and
 * -security give several versions of one package, the interesting neighbours), plus the dpkg status. Without apt
 * lists the dpkg status alone is used, and `source` says so.
 */
export function debianVersions(): DebianCorpus {
  const byPackage = new Map<string, Set<string>>();
  const files: string[] = [];
  const lists = existsSync(LISTS) ? readdirSync(LISTS).filter((f) => /_Packages(?:\.(?:gz|xz|lz4|zst|bz2))?$/.test(f)) : [];
  for (const f of lists) {
    const path = join(LISTS, f);
    // apt-helper reads whichever compression apt stored the list in (lz4 on a stock bookworm).
    const text = f.endsWith('_Packages') ? readFileSync(path, 'utf8') : execFileSync('/usr/lib/apt/apt-helper', ['cat-file', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
    collect(text, byPackage);
    files.push(path);
  }
  if (existsSync(STATUS)) {
    collect(readFileSync(STATUS, 'utf8'), byPackage);
    files.push(STATUS);
  }
  const source = lists.length
    ? `${lists.length} apt lists and ${STATUS}`
    : `${STATUS} only: no Packages lists in ${LISTS} (run apt-get update for a larger corpus)`;
  return { source: files.length ? source : 'nothing: neither apt lists nor dpkg status', byPackage };
}

function collect(text: string, into: Map<string, Set<string>>): void {
  let pkg = '';
  const add = (name: string, version: string) => {
    let set = into.get(name);
    if (!set) into.set(name, (set = new Set()));
    set.add(version);
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('Package: ')) pkg = line.slice(9).trim();
    else if (line.startsWith('Version: ') && pkg) add(pkg, line.slice(9).trim());
    else if (line.startsWith('Source: ')) {
      const m = /^Source: (\S+) \((\S+)\)/.exec(line);
      if (m) add(`src:${m[1]}`, m[2]!);
    }
  }
}

/** Near neighbours of a real version: the edits packagers make (backports, rebuilds, security updates, epochs). */
export function mutate(rnd: () => number, v: string): string {
  const edits: Array<(s: string) => string> = [
    (s) => `${s}~`,
    (s) => `${s}~1`,
    (s) => `${s}+b1`,
    (s) => `${s}.0`,
    (s) => `${s}0`,
    (s) => `${s}a`,
    (s) => `${s}+deb12u1`,
    (s) => `${s}~deb12u1`,
    (s) => (s.includes('-') ? s : `${s}-1`),
    (s) => (s.includes(':') ? s.replace(/^\d+:/, '') : `1:${s}`),
    (s) => s.replace(/\d+(?!.*\d)/, (d) => String(Number(d) + 1)),
    (s) => s.replace(/\d+/, (d) => `0${d}`),
    (s) => s.replace(/\./, '~'),
    (s) => s.replace(/-([^-]*)$/, '-$1.1'),
    (s) => s.replace(/-([^-]*)$/, ''),
    (s) => s.replace(/[a-z]/, (c) => c.toUpperCase()),
  ];
  return pick(rnd, edits)(v);
}

/** Short strings over a small alphabet: collisions (shared prefixes, ~ against the end, leading zeros) are common. */
export function noise(rnd: () => number, alphabet: readonly string[]): string {
  const len = 1 + Math.floor(rnd() * 7);
  let s = '';
  for (let i = 0; i < len; i++) s += pick(rnd, alphabet);
  return s;
}
