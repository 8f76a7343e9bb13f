import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabCommandFailed, LabImageInUse, LabUpstreamUnreachable } from '../../errors/lab.js';
import type { LabRoots } from '../config.js';
import { readJson, removeTree, writeJson } from '../disk.js';
import type { Progress } from '../progress.js';
import { run, tryRun } from '../proc.js';
import type { LabImage } from '../types.js';
import { CONFIGURE_SCRIPT, type ImageManifest, imageRecipe, parseInstalled, recipeHash } from './recipe.js';

/** A clean environment for everything run inside the image: nothing from the caller's shell leaks in. */
export const CHROOT_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' };

export interface ImageBuildOptions {
  release: string;
  debianMirror: string;
  rebuild?: boolean;
  progress: Progress;
}

export interface ImageResult {
  image: LabImage;
  manifest: ImageManifest;
  cached: boolean;
}

export function imagesDir(roots: LabRoots): string {
  return join(roots.cacheRoot, 'images');
}

export function imageFor(roots: LabRoots, release: string): LabImage {
  const hash = recipeHash(imageRecipe(release));
  const dir = join(imagesDir(roots), `${release}-${hash}`);
  return { release, hash, dir, rootfs: join(dir, 'rootfs') };
}

export function readManifest(image: LabImage): ImageManifest | null {
  return readJson<ImageManifest>(join(image.dir, 'image.json'));
}

/** Labs whose hosts have this image as their lower layer (from their lab.json). */
export function labsUsing(roots: LabRoots, imageDir: string): string[] {
  if (!existsSync(roots.stateRoot)) return [];
  return readdirSync(roots.stateRoot).filter((n) => readJson<{ image?: { dir?: string } }>(join(roots.stateRoot, n, 'lab.json'))?.image?.dir === imageDir);
}

/**
 * The cached image for the release, built if missing (or if `rebuild`). Built in a scratch directory and
 * renamed into place at the end, so an interrupted build never leaves a half image that looks finished.
 */
export async function ensureBaseImage(roots: LabRoots, opts: ImageBuildOptions): Promise<ImageResult> {
  const image = imageFor(roots, opts.release);
  const existing = readManifest(image);
  if (existing && !opts.rebuild) return { image, manifest: existing, cached: true };
  if (existing) {
    const users = labsUsing(roots, image.dir);
    if (users.length) throw new LabImageInUse(`${image.release}-${image.hash}`, users);
  }

  // The caller holds the cache lock: any scratch directory left here is from a build that was killed.
  mkdirSync(imagesDir(roots), { recursive: true });
  for (const n of readdirSync(imagesDir(roots))) if (n.startsWith('.build-') || n.includes('.old-')) await removeTree(join(imagesDir(roots), n));
  const scratch = join(imagesDir(roots), `.build-${opts.release}-${image.hash}-${process.pid}`);
  mkdirSync(scratch, { recursive: true });
  const debs = join(roots.cacheRoot, 'debootstrap', opts.release);
  mkdirSync(debs, { recursive: true });
  const rootfs = join(scratch, 'rootfs');
  const t0 = performance.now();
  try {
    const manifest = await opts.progress.step(
      `building image ${opts.release}-${image.hash}`,
      async (update) => {
        await bootstrap(rootfs, debs, opts, update);
        update('configuring');
        writeFileSync(join(rootfs, '.plumb-lab-building'), '');
        // unshare --mount: whatever the chroot mounts vanishes with it and can never leak into the control machine.
        await run('unshare', ['--mount', '--propagation', 'private', '--', 'chroot', rootfs, '/bin/sh', '-s'], {
          what: 'configuring the image',
          input: readFileSync(CONFIGURE_SCRIPT),
          env: CHROOT_ENV,
        });
        const installed = await run(
          'dpkg-query',
          ['--admindir', join(rootfs, 'var/lib/dpkg'), '-W', '-f', '${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'],
          { what: 'listing the image packages' },
        );
        const arch = (await run('dpkg', ['--print-architecture'], { what: 'reading the architecture' })).trim();
        const m: ImageManifest = {
          release: opts.release,
          hash: image.hash,
          recipe: imageRecipe(opts.release),
          builtAt: new Date().toISOString(),
          buildSeconds: Math.round((performance.now() - t0) / 100) / 10,
          arch,
          packages: parseInstalled(installed),
          plumbUser: plumbUser(rootfs),
        };
        return m;
      },
      (m) => `${m.packages.length} packages`,
    );
    writeJson(join(scratch, 'image.json'), manifest);
    const old = `${image.dir}.old-${process.pid}`;
    if (existsSync(image.dir)) renameSync(image.dir, old);
    renameSync(scratch, image.dir);
    await removeTree(old);
    await pruneImages(roots, opts.release, image.dir);
    return { image, manifest, cached: false };
  } finally {
    await removeTree(scratch);
  }
}

async function bootstrap(rootfs: string, debs: string, opts: ImageBuildOptions, update: (d: string) => void): Promise<void> {
  const onLine = (line: string) => {
    const m = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring|Installing) (.*?)(?:\.\.\.)?$/.exec(line);
    if (m) update(`debootstrap: ${m[1]!.toLowerCase()} ${m[2]!.split(' ')[0]}`);
  };
  // Two stages so that dpkg can be told to skip fsync for the bootstrap only (force-unsafe-io): a third of the time.
  const first = await tryRun(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      'debootstrap',
      '--foreign',
      '--variant=minbase',
      `--include=${imageRecipe(opts.release).include.join(',')}`,
      `--cache-dir=${debs}`,
      opts.release,
      rootfs,
      opts.debianMirror,
    ],
    { onLine, env: { ...CHROOT_ENV } },
  );
  if (first.code !== 0) {
    const out = `${first.stdout}\n${first.stderr}`;
    if (/Failed getting release file|Couldn't download|Failure trying to run|Could not resolve|Connection refused|Temporary failure/i.test(out) && !/Failure trying to run: chroot/.test(out)) {
      throw new LabUpstreamUnreachable(opts.debianMirror, out);
    }
    throw new LabCommandFailed('building the image (debootstrap, first stage)', 'debootstrap --foreign …', out);
  }
  mkdirSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/plumb-lab-build'), 'force-unsafe-io\n');
  await run('unshare', ['--mount', '--propagation', 'private', '--', 'chroot', rootfs, '/debootstrap/debootstrap', '--second-stage'], {
    what: 'building the image (debootstrap, second stage)',
    onLine,
    env: CHROOT_ENV,
  });
}

function plumbUser(rootfs: string): { uid: number; gid: number } {
  const line = readFileSync(join(rootfs, 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith('plumb:'));
  const f = line?.split(':') ?? [];
  return { uid: Number(f[2] ?? 1000), gid: Number(f[3] ?? 1000) };
}

/** Older images of the release that no lab uses any more are removed: each one is a few hundred MB. */
async function pruneImages(roots: LabRoots, release: string, keep: string): Promise<void> {
  for (const name of readdirSync(imagesDir(roots))) {
    const dir = join(imagesDir(roots), name);
    if (dir === keep || !name.startsWith(`${release}-`)) continue;
    if (!existsSync(join(dir, 'image.json'))) continue;
    if (labsUsing(roots, dir).length) continue;
    await removeTree(dir);
  }
}
