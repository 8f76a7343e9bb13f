import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deb } from '../../versioning/deb/index.js';
import type { ImagePackage } from '../image/recipe.js';
import type { MirrorPackage, SecurityUpdate } from '../types.js';
import { cvesBetween, fromSecurity, type PlannedInstall } from './changes.js';
import { debChangelog, debFields } from './repository.js';

/**
 * What the downloaded upgrade of the image amounts to: which .debs are security updates (and of what,
 * with which CVEs), which are new dependencies; and the image's own versions of the updated packages,
 * copied from debootstrap's cache into the pool so tests can downgrade.
 */
export async function describeUpdates(
  plan: PlannedInstall[],
  pool: string,
  image: ImagePackage[],
  debootstrapCache: string,
): Promise<{ packages: MirrorPackage[]; securityUpdates: SecurityUpdate[] }> {
  const installed = new Map(image.map((p) => [p.name, p]));
  const fields = await Promise.all(readdirSync(pool).filter((f) => f.endsWith('.deb')).map(async (f) => ({ file: f, ...(await debFields(join(pool, f))) })));
  const debs = new Map(fields.map((x) => [`${x.package} ${x.version}`, x]));
  const packages: MirrorPackage[] = [];
  const securityUpdates: SecurityUpdate[] = [];
  for (const p of plan) {
    const f = debs.get(`${p.package} ${p.to}`);
    if (!f) continue;
    const old = installed.get(p.package);
    const security = Boolean(p.from && old && fromSecurity(p));
    packages.push({ package: f.package, version: f.version, arch: f.arch, filename: `pool/main/${f.file}`, role: security ? 'security-update' : 'dependency' });
    if (!security || !old) continue;
    const oldFile = `${old.name}_${old.version.replace(':', '%3a')}_${old.arch}.deb`;
    let imageFilename: string | null = null;
    if (existsSync(join(debootstrapCache, oldFile))) {
      copyFileSync(join(debootstrapCache, oldFile), join(pool, oldFile));
      imageFilename = `pool/main/${oldFile}`;
      packages.push({ package: old.name, version: old.version, arch: old.arch, filename: imageFilename, role: 'image-version' });
    }
    securityUpdates.push({ package: f.package, arch: f.arch, imageVersion: old.version, fixedVersion: f.version, source: f.source, sourceVersion: f.sourceVersion, cves: [], filename: `pool/main/${f.file}`, imageFilename });
  }

  // One changelog per source version, from whichever of its binaries carries one (libraries often do not).
  const bySource = new Map<string, SecurityUpdate[]>();
  for (const s of securityUpdates) bySource.set(`${s.source} ${s.sourceVersion}`, [...(bySource.get(`${s.source} ${s.sourceVersion}`) ?? []), s]);
  await Promise.all(
    [...bySource.values()].map(async (group) => {
      let log = '';
      for (const s of group) if (!log) log = await debChangelog(join(pool, s.filename.slice('pool/main/'.length)));
      for (const s of group) {
        const from = installed.get(s.package)?.sourceVersion ?? s.imageVersion;
        s.cves = log ? cvesBetween(log, from, s.sourceVersion, (a, b) => deb.compare(a, b)) : [];
      }
    }),
  );
  return { packages, securityUpdates: securityUpdates.sort((a, b) => a.package.localeCompare(b.package)) };
}
