import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run, tryRun } from '../proc.js';

/**
 * The signed apt repository: a generated OpenPGP key, Packages and Release indexes by apt-ftparchive,
 * InRelease and Release.gpg signed with the key. Layout: pool/main/*.deb, dists/<codename>/…
 */

const KEY_UID = 'Plumbline lab mirror <lab-mirror@plumbline.invalid>';
export const PUBLIC_KEY_FILE = 'plumb-lab-mirror.gpg';

const gpg = (home: string, args: string[]) => ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args];

/** A fresh ed25519 signing key in its own GnuPG home; returns its fingerprint. */
export async function createSigningKey(home: string): Promise<string> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  await run('gpg', gpg(home, ['--quick-gen-key', KEY_UID, 'ed25519', 'sign', 'never']), { what: 'generating the mirror signing key (gpg)' });
  const listing = await run('gpg', gpg(home, ['--with-colons', '--list-secret-keys']), { what: 'reading the mirror signing key' });
  const fpr = /^fpr:(?::*)([0-9A-F]{40,64}):/m.exec(listing)?.[1];
  if (!fpr) throw new Error(`gpg made no key in ${home}`);
  return fpr;
}

/** gpg leaves an agent running for the home it used; it is ours, so it is stopped here (through its socket, not by name). */
export async function stopAgent(home: string): Promise<void> {
  await tryRun('gpgconf', ['--homedir', home, '--kill', 'all']);
}

export async function exportPublicKey(home: string, fpr: string, out: string): Promise<void> {
  await run('gpg', gpg(home, ['--yes', '--output', out, '--export', fpr]), { what: 'exporting the mirror key' });
}

export interface RepoLayout {
  root: string;
  codename: string;
  arch: string;
  description: string;
}

/** Packages(.gz) for everything in pool/, a Release over them, InRelease and Release.gpg signed with the key. */
export async function writeSignedIndexes(repo: RepoLayout, home: string, fpr: string): Promise<void> {
  const dist = join(repo.root, 'dists', repo.codename);
  const bin = join(dist, 'main', `binary-${repo.arch}`);
  mkdirSync(bin, { recursive: true });
  const packages = await run('apt-ftparchive', ['packages', 'pool/main'], { what: 'indexing the mirror (apt-ftparchive packages)', cwd: repo.root });
  writeFileSync(join(bin, 'Packages'), packages);
  writeFileSync(join(bin, 'Packages.gz'), gzipSync(packages, { level: 9 }));
  const o = (k: string, v: string) => ['-o', `APT::FTPArchive::Release::${k}=${v}`];
  const release = await run(
    'apt-ftparchive',
    [
      ...o('Origin', 'Plumbline'),
      ...o('Label', 'Plumbline lab mirror'),
      ...o('Suite', repo.codename),
      ...o('Codename', repo.codename),
      ...o('Architectures', repo.arch),
      ...o('Components', 'main'),
      ...o('Description', repo.description),
      'release',
      `dists/${repo.codename}`,
    ],
    { what: 'writing the mirror Release file (apt-ftparchive release)', cwd: repo.root },
  );
  const releasePath = join(dist, 'Release');
  writeFileSync(releasePath, release);
  await run('gpg', gpg(home, ['--yes', '--local-user', fpr, '--digest-algo', 'SHA256', '--clearsign', '--output', join(dist, 'InRelease'), releasePath]), {
    what: 'signing the mirror (InRelease)',
  });
  await run('gpg', gpg(home, ['--yes', '--local-user', fpr, '--digest-algo', 'SHA256', '--armor', '--detach-sign', '--output', join(dist, 'Release.gpg'), releasePath]), {
    what: 'signing the mirror (Release.gpg)',
  });
}

/** `dpkg-deb -f` fields of a .deb: Package, Version, Architecture and the source package (name and version). */
export async function debFields(path: string): Promise<{ package: string; version: string; arch: string; source: string; sourceVersion: string }> {
  const out = await run('dpkg-deb', ['-f', path, 'Package', 'Version', 'Architecture', 'Source'], { what: `reading ${path}` });
  const f = (k: string) => new RegExp(`^${k}: (.*)$`, 'm').exec(out)?.[1]?.trim() ?? '';
  const version = f('Version');
  const src = /^(\S+)(?: \(([^)]+)\))?$/.exec(f('Source'));
  return { package: f('Package'), version, arch: f('Architecture'), source: src?.[1] ?? f('Package'), sourceVersion: src?.[2] ?? version };
}

/**
 * The Debian changelog inside a .deb: /usr/share/doc/<pkg>/changelog.Debian.gz, or changelog.gz for a
 * native package (apt, tzdata …); '' when it has neither.
 */
export async function debChangelog(path: string): Promise<string> {
  // The path is an argument of sh, never part of the script text.
  const extract = (name: string) => `dpkg-deb --fsys-tarfile "$1" | tar -xOf - --wildcards "./usr/share/doc/*/${name}" 2>/dev/null | gzip -dc 2>/dev/null`;
  for (const name of ['changelog.Debian.gz', 'changelog.gz']) {
    const r = await tryRun('sh', ['-c', extract(name), 'sh', path]);
    if (/^\S+ \([^)]+\) [^;]+; urgency=/m.test(r.stdout)) return r.stdout;
  }
  return '';
}
