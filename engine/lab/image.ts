import { join } from 'node:path';
import { checkRelease, DEFAULT_DEBIAN_MIRROR, DEFAULT_RELEASE, DEFAULT_SECURITY_MIRROR, labRoots, type LabRoots } from './config.js';
import { ensureBaseImage, imageFor, readManifest } from './image/build.js';
import type { ImageManifest } from './image/recipe.js';
import { acquireLock } from './lock.js';
import { type CachedMirror, ensureMirror, readCachedMirror } from './mirror/build.js';
import { UpstreamArchive } from './mirror/upstream.js';
import { preflight } from './preflight.js';
import { run } from './proc.js';
import { type Progress, silentProgress } from './progress.js';
import type { LabImage } from './types.js';

export interface ImageOptions {
  release?: string;
  /** Debian archive for debootstrap and the mirror's sources (default deb.debian.org, or $PLUMB_LAB_DEBIAN_MIRROR). */
  debianMirror?: string;
  securityMirror?: string;
  /** Build the image (and its mirror) again even if cached. */
  rebuild?: boolean;
  /** Build the mirror again (new security updates published since), keeping the image. */
  refreshMirror?: boolean;
  stateDir?: string;
  cacheDir?: string;
  progress?: Progress;
}

export interface ImageAndMirror {
  image: LabImage;
  manifest: ImageManifest;
  imageCached: boolean;
  mirror: CachedMirror;
}

/**
 * The standard image and its signed mirror, from the cache when their recipes are unchanged, else built.
 * Builds hold the cache lock, so labs started in parallel build once and share the result.
 */
export async function ensureImage(opts: ImageOptions = {}): Promise<ImageAndMirror> {
  const roots = labRoots(opts);
  const release = checkRelease(opts.release ?? DEFAULT_RELEASE);
  const progress = opts.progress ?? silentProgress;
  const image = imageFor(roots, release);
  const quick = cached(roots, image);
  if (quick && !opts.rebuild && !opts.refreshMirror) return quick;

  await preflight('image');
  const lock = await acquireLock(join(roots.cacheRoot, 'build.lock'), {
    subject: 'the lab image cache',
    command: 'image',
    waitMs: 30 * 60_000,
    takeStale: true,
    onNotice: (m) => progress.note(m),
  });
  try {
    // Another lab may have built it while we waited for the lock.
    const again = cached(roots, image);
    if (again && !opts.rebuild && !opts.refreshMirror) return again;
    const debianMirror = opts.debianMirror ?? process.env.PLUMB_LAB_DEBIAN_MIRROR ?? DEFAULT_DEBIAN_MIRROR;
    const securityMirror = opts.securityMirror ?? process.env.PLUMB_LAB_SECURITY_MIRROR ?? DEFAULT_SECURITY_MIRROR;
    const arch = (await run('dpkg', ['--print-architecture'], { what: 'reading the architecture' })).trim();
    const archive = new UpstreamArchive(roots.cacheRoot, release, arch, debianMirror, securityMirror);
    // The package lists download while debootstrap runs; if the image fails, that download is stopped.
    const abort = new AbortController();
    const upstream = archive.update(abort.signal).then(() => archive);
    upstream.catch(() => {});
    try {
      const base = await ensureBaseImage(roots, { release, debianMirror, rebuild: opts.rebuild, progress });
      const mirror = await ensureMirror(roots, {
        image: base.image,
        manifest: base.manifest,
        upstream,
        refresh: opts.rebuild || opts.refreshMirror || !base.cached,
        progress,
      });
      return { image: base.image, manifest: base.manifest, imageCached: base.cached, mirror };
    } finally {
      abort.abort();
    }
  } finally {
    lock.release();
  }
}

/** True when the image and mirror for the release are cached (so `up` needs none of the build tools). */
export function imageIsCached(opts: { release?: string; stateDir?: string; cacheDir?: string } = {}): boolean {
  const roots = labRoots(opts);
  return cached(roots, imageFor(roots, checkRelease(opts.release ?? DEFAULT_RELEASE))) !== null;
}

function cached(roots: LabRoots, image: LabImage): ImageAndMirror | null {
  const manifest = readManifest(image);
  const mirror = manifest ? readCachedMirror(roots, image) : null;
  return manifest && mirror ? { image, manifest, imageCached: true, mirror } : null;
}
