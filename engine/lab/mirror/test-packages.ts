import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../../errors/index.js';
import { removeTree } from '../disk.js';
import { run } from '../proc.js';
import type { TestPackage } from '../types.js';
import { parseChangelog } from './changes.js';

/**
 * Builds the lab's test packages from their sources in test/lab/packages (format in its README) with
 * dpkg-deb. Timestamps are pinned, so the same sources give byte-identical .debs.
 */

const SOURCE_DATE_EPOCH = '1746100800';
const SCRIPTS = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config']);

/** test/lab/packages of the checkout this code runs from (src or dist), or $PLUMB_LAB_PACKAGES. */
export function packagesDir(): string {
  const fromEnv = process.env.PLUMB_LAB_PACKAGES;
  if (fromEnv) return resolve(fromEnv);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'test', 'lab', 'packages');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new UsageError('cannot find the lab test package sources (test/lab/packages)', 'run plumb from a Plumbline checkout, or set PLUMB_LAB_PACKAGES');
    dir = up;
  }
}

interface Source {
  name: string;
  dir: string;
  versions: string[];
}

export function readSources(root: string): Source[] {
  return readdirSync(root)
    .filter((n) => statSync(join(root, n)).isDirectory())
    .sort()
    .map((name) => {
      if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name)) throw new UsageError(`test package folder '${name}' is not a valid Debian package name`);
      const versions = readFileSync(join(root, name, 'versions'), 'utf8')
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .filter(Boolean);
      for (const v of versions) if (!/^[0-9][A-Za-z0-9.+~-]*$/.test(v)) throw new UsageError(`test package ${name}: invalid version '${v}'`);
      return { name, dir: join(root, name), versions };
    });
}

/** The changelog as installed with a version: its own entry and the older ones. */
export function changelogUpTo(text: string, version: string): { text: string; own: string } {
  const entries = parseChangelog(text);
  const at = entries.findIndex((e) => e.version === version);
  if (at < 0) return { text: '', own: '' };
  return { text: entries.slice(at).map((e) => e.text).join(''), own: entries[at]!.text };
}

export async function buildTestPackages(root: string, outDir: string, scratch: string): Promise<TestPackage[]> {
  const jobs: Array<Promise<TestPackage>> = [];
  for (const src of readSources(root)) for (const version of src.versions) jobs.push(buildOne(src, version, outDir, join(scratch, `${src.name}_${version}`)));
  return Promise.all(jobs);
}

async function buildOne(src: Source, version: string, outDir: string, stage: string): Promise<TestPackage> {
  await removeTree(stage);
  mkdirSync(join(stage, 'DEBIAN'), { recursive: true, mode: 0o755 });
  const sub = (s: string) => s.replaceAll('@VERSION@', version);
  for (const tree of [join(src.dir, 'root'), join(src.dir, 'overrides', version, 'root')]) {
    if (existsSync(tree)) copyTree(tree, stage, sub);
  }
  let cves: string[] = [];
  if (existsSync(join(src.dir, 'changelog'))) {
    const log = changelogUpTo(readFileSync(join(src.dir, 'changelog'), 'utf8'), version);
    const doc = join(stage, 'usr/share/doc', src.name);
    mkdirSync(doc, { recursive: true, mode: 0o755 });
    writeFileSync(join(doc, 'changelog.Debian.gz'), gzipSync(log.text, { level: 9 }), { mode: 0o644 });
    cves = [...new Set(log.own.match(/CVE-\d{4}-\d{4,}/g) ?? [])].sort();
  }
  const scripts = join(src.dir, 'scripts');
  if (existsSync(scripts)) {
    for (const f of readdirSync(scripts)) {
      writeFileSync(join(stage, 'DEBIAN', f), sub(readFileSync(join(scripts, f), 'utf8')), { mode: SCRIPTS.has(f) ? 0o755 : 0o644 });
    }
  }
  const control = sub(readFileSync(join(src.dir, 'control'), 'utf8')).trimEnd();
  const kib = await run('du', ['-sk', '--exclude=DEBIAN', stage], { what: 'sizing a test package' });
  writeFileSync(join(stage, 'DEBIAN/control'), `${control}\nInstalled-Size: ${kib.split('\t')[0]}\n`, { mode: 0o644 });
  const summary = /^Description: (.*)$/m.exec(control)?.[1] ?? '';
  const filename = `${src.name}_${version}_all.deb`;
  await run('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, join(outDir, filename)], {
    what: `building test package ${src.name} ${version}`,
    env: { ...process.env, SOURCE_DATE_EPOCH },
  });
  return { package: src.name, version, summary, filename: `pool/main/${filename}`, cves };
}

/** Copies a tree with @VERSION@ replaced in text files; directories 0755, files 0644 or 0755 as in git. */
function copyTree(from: string, to: string, sub: (s: string) => string): void {
  for (const name of readdirSync(from)) {
    const s = join(from, name);
    const d = join(to, name);
    const st = statSync(s);
    if (st.isDirectory()) {
      mkdirSync(d, { recursive: true, mode: 0o755 });
      chmodSync(d, 0o755);
      copyTree(s, d, sub);
      continue;
    }
    const bytes = readFileSync(s);
    const text = bytes.includes(0) ? null : bytes.toString('utf8');
    if (text === null) cpSync(s, d);
    else writeFileSync(d, sub(text));
    chmodSync(d, st.mode & 0o111 ? 0o755 : 0o644);
  }
}
