import { apt } from './apt/index.js';
import type { PackagePlatform } from './types.js';

export type { PackageChange, PackagePlatform } from './types.js';

/** Registered by hand; contract.test.ts checks every one. An rpm/dnf plug-in belongs in rpm/ beside apt/. */
export const PLATFORMS: readonly PackagePlatform[] = [apt];

export function platformFor(osId: string | undefined, idLike: readonly string[] = []): PackagePlatform | null {
  if (!osId) return null;
  return PLATFORMS.find((p) => p.osIds.includes(osId) || idLike.some((l) => p.osIds.includes(l))) ?? null;
}
