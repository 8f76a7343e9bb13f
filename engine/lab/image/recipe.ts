import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * What the standard image is made of. Its hash names the cached image: change anything here (or in
 * configure.sh) and the next `plumb lab image`/`up` builds a new image instead of reusing the old one.
 */

/**
 * Beyond debootstrap's minbase: sshd, and what facts gathering and the engine use on a host. systemd is
 * installed for its unit files and offline `systemctl enable/disable/mask`, never run; rsync is the service
 * the example baseline wants disabled; sudo for transport tests as a non-root user.
 */
export const IMAGE_PACKAGES = ['openssh-server', 'iproute2', 'procps', 'systemd', 'apt', 'ca-certificates', 'rsync', 'sudo'] as const;

export const CONFIGURE_SCRIPT = new URL('./configure.sh', import.meta.url);

/** Bump when the way an image is built changes in a way the other inputs do not show. */
const BUILDER_VERSION = 1;

export interface ImageRecipe {
  builder: number;
  release: string;
  variant: 'minbase';
  include: string[];
  configureSha256: string;
}

export function imageRecipe(release: string): ImageRecipe {
  return {
    builder: BUILDER_VERSION,
    release,
    variant: 'minbase',
    include: [...IMAGE_PACKAGES].sort(),
    configureSha256: createHash('sha256').update(readFileSync(CONFIGURE_SCRIPT)).digest('hex'),
  };
}

export function recipeHash(recipe: ImageRecipe): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
}

/** One installed package of the image, as `dpkg-query -W` reports it. */
export interface ImagePackage {
  name: string;
  version: string;
  arch: string;
  source: string;
  sourceVersion: string;
}

/** Parses `dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n'`. */
export function parseInstalled(text: string): ImagePackage[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [name = '', version = '', arch = '', source, sourceVersion] = l.split('\t');
      return { name, version, arch, source: source || name, sourceVersion: sourceVersion || version };
    });
}

/** What `image.json` beside the cached rootfs records. */
export interface ImageManifest {
  release: string;
  hash: string;
  recipe: ImageRecipe;
  builtAt: string;
  buildSeconds: number;
  arch: string;
  packages: ImagePackage[];
  plumbUser: { uid: number; gid: number };
}
