import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { LabRoots } from '../config.js';
import { hashTree, readJson, removeTree, writeJson } from '../disk.js';
import type { ImageManifest } from '../image/recipe.js';
import type { Progress } from '../progress.js';
import type { LabImage, MirrorInfo } from '../types.js';
import { createSigningKey, exportPublicKey, PUBLIC_KEY_FILE, stopAgent, writeSignedIndexes } from './repository.js';
import { buildTestPackages, packagesDir } from './test-packages.js';
import type { UpstreamArchive } from './upstream.js';
import { describeUpdates } from './updates.js';

/** Bump when the mirror's layout or contents change in a way its inputs do not show. */
const MIRROR_VERSION = 1;

export interface CachedMirror {
  /** The repository root: pool/, dists/, the public key. */
  repo: string;
  info: MirrorInfo;
  cached: boolean;
}

export function mirrorCodename(release: string): string {
  return `plumb-${release}`;
}

export function mirrorKey(image: LabImage): string {
  const h = createHash('sha256').update(`${MIRROR_VERSION}\n${image.release}\n${image.hash}\n${hashTree(packagesDir())}`);
  return `${image.release}-${h.digest('hex').slice(0, 12)}`;
}

export function mirrorDir(roots: LabRoots, image: LabImage): string {
  return join(roots.cacheRoot, 'mirrors', mirrorKey(image));
}

export function readCachedMirror(roots: LabRoots, image: LabImage): CachedMirror | null {
  const dir = mirrorDir(roots, image);
  const info = readJson<MirrorInfo>(join(dir, 'mirror.json'));
  return info ? { repo: join(dir, 'repo'), info, cached: true } : null;
}

export interface MirrorBuildOptions {
  image: LabImage;
  manifest: ImageManifest;
  /** Resolves once the upstream lists are fresh (the update runs alongside the image build). */
  upstream: Promise<UpstreamArchive>;
  refresh?: boolean;
  progress: Progress;
}

/**
 * The mirror for an image, from the cache or built: the security updates pending for the image (as apt
 * resolves them against the release's security suite) with every new package they need, the image versions
 * of the updated packages (so tests can downgrade), and the test packages; indexed and signed.
 */
export async function ensureMirror(roots: LabRoots, opts: MirrorBuildOptions): Promise<CachedMirror> {
  const dir = mirrorDir(roots, opts.image);
  const existing = readCachedMirror(roots, opts.image);
  if (existing && !opts.refresh) return existing;

  const parent = join(roots.cacheRoot, 'mirrors');
  mkdirSync(parent, { recursive: true });
  // The caller holds the cache lock: leftover scratch directories are from killed builds.
  for (const n of readdirSync(parent)) if (n.startsWith('.build-') || n.includes('.old-')) await removeTree(join(parent, n));
  const scratch = join(parent, `.build-${mirrorKey(opts.image)}-${process.pid}`);
  const repo = join(scratch, 'repo');
  const pool = join(repo, 'pool', 'main');
  const home = join(scratch, 'gnupg');
  const stage = join(scratch, 'stage');
  for (const d of [pool, stage]) mkdirSync(d, { recursive: true });
  const codename = mirrorCodename(opts.image.release);
  try {
    const info = await opts.progress.step(
      'building the signed mirror',
      async (update) => {
        const [fpr, testPackages, updates] = await Promise.all([
          createSigningKey(home),
          buildTestPackages(packagesDir(), pool, join(stage, 'build')),
          (async () => {
            const upstream = await opts.upstream;
            update('resolving security updates');
            const plan = await upstream.simulateUpgrade(join(opts.image.rootfs, 'var/lib/dpkg/status'));
            update(`downloading ${plan.length} packages`);
            const dl = join(stage, 'download');
            mkdirSync(dl, { recursive: true });
            await upstream.download(plan.map((p) => `${p.package}=${p.to}`), dl);
            for (const f of readdirSync(dl)) if (f.endsWith('.deb')) renameSync(join(dl, f), join(pool, f));
            return { plan, upstream };
          })(),
        ]);
        update('reading changelogs');
        const { packages, securityUpdates } = await describeUpdates(updates.plan, pool, opts.manifest.packages, join(roots.cacheRoot, 'debootstrap', opts.image.release));
        for (const t of testPackages) packages.push({ package: t.package, version: t.version, arch: 'all', filename: t.filename, role: 'test-package' });
        update('signing');
        await writeSignedIndexes({ root: repo, codename, arch: opts.manifest.arch, description: `Plumbline lab mirror for ${opts.image.release} (image ${opts.image.hash})` }, home, fpr);
        await exportPublicKey(home, fpr, join(repo, PUBLIC_KEY_FILE));
        const m: MirrorInfo = {
          codename,
          suite: codename,
          components: ['main'],
          architectures: [opts.manifest.arch],
          url: '',
          sourcesLine: '',
          keyFingerprint: fpr,
          release: opts.image.release,
          builtAt: new Date().toISOString(),
          upstream: { mirror: updates.upstream.mirror, security: updates.upstream.security },
          securityUpdates,
          testPackages,
          packages: packages.sort((a, b) => a.package.localeCompare(b.package) || a.version.localeCompare(b.version)),
        };
        return m;
      },
      (m) => `${m.securityUpdates.length} security updates, ${m.testPackages.length} test packages`,
    );
    await stopAgent(home);
    await removeTree(stage);
    writeJson(join(scratch, 'mirror.json'), info);
    const old = `${dir}.old-${process.pid}`;
    if (existsSync(dir)) renameSync(dir, old);
    renameSync(scratch, dir);
    await removeTree(old);
    await pruneMirrors(parent, opts.image.release, dir);
    return { repo: join(dir, 'repo'), info, cached: false };
  } finally {
    await stopAgent(home);
    await removeTree(scratch);
  }
}

/** Mirrors of older images of the release are dropped; labs never share their pool (they hard-link a copy). */
async function pruneMirrors(parent: string, release: string, keep: string): Promise<void> {
  for (const n of readdirSync(parent)) {
    const d = join(parent, n);
    if (d !== keep && n.startsWith(`${release}-`)) await removeTree(d);
  }
}
