import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabCommandFailed, LabUpstreamUnreachable } from '../../errors/lab.js';
import { tryRun } from '../proc.js';
import { parseSimulation, type PlannedInstall } from './changes.js';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/**
 * A private apt on the control machine that sees only the Debian release and its security suite, and
 * believes the image's dpkg status is its own. It answers "what would an upgrade of the image install"
 * with apt's own resolver and version order, and downloads those packages — without touching the control
 * machine's apt state or sources.
 */
export class UpstreamArchive {
  readonly dir: string;
  private readonly opts: string[];

  constructor(
    cacheRoot: string,
    readonly release: string,
    readonly arch: string,
    readonly mirror: string,
    readonly security: string,
  ) {
    this.dir = join(cacheRoot, 'upstream', release);
    const d = (p: string) => join(this.dir, p);
    for (const p of ['lists/partial', 'cache/archives/partial', 'empty', 'state']) mkdirSync(d(p), { recursive: true });
    writeFileSync(
      d('sources.list'),
      `deb [signed-by=${KEYRING}] ${mirror} ${release} main\ndeb [signed-by=${KEYRING}] ${security} ${release}-security main\n`,
    );
    writeFileSync(d('state/extended_states'), '', { flag: 'a' });
    this.opts = [
      `Dir::Etc::SourceList=${d('sources.list')}`,
      `Dir::Etc::SourceParts=${d('empty')}`,
      `Dir::Etc::Preferences=${d('empty/preferences')}`,
      `Dir::Etc::PreferencesParts=${d('empty')}`,
      `Dir::Etc::Trusted=${d('empty/trusted.gpg')}`,
      `Dir::Etc::TrustedParts=${d('empty')}`,
      `Dir::State=${d('state')}`,
      `Dir::State::Lists=${d('lists')}`,
      `Dir::State::extended_states=${d('state/extended_states')}`,
      `Dir::Cache=${d('cache')}`,
      'Debug::NoLocking=1',
      `APT::Architecture=${arch}`,
      `APT::Architectures=${arch}`,
      'APT::Install-Recommends=false',
      'APT::Sandbox::User=root',
      'Acquire::Languages=none',
    ].flatMap((o) => ['-o', o]);
  }

  private args(status: string | null, rest: string[]): string[] {
    return [...this.opts, ...(status ? ['-o', `Dir::State::status=${status}`] : ['-o', `Dir::State::status=${join(this.dir, 'empty/status')}`]), ...rest];
  }

  async update(signal?: AbortSignal): Promise<void> {
    writeFileSync(join(this.dir, 'empty/status'), '');
    const r = await tryRun('apt-get', this.args(null, ['-q', 'update']), { timeoutMs: 300_000, signal });
    if (r.code !== 0 || /^(E:|W: Failed to fetch)/m.test(r.stdout + r.stderr)) throw new LabUpstreamUnreachable(this.mirror, r.stderr || r.stdout);
  }

  /** What `apt-get dist-upgrade` would install on a system with this dpkg status file. */
  async simulateUpgrade(statusFile: string): Promise<PlannedInstall[]> {
    const r = await tryRun('apt-get', this.args(statusFile, ['-s', '-q', 'dist-upgrade']));
    if (r.code !== 0) throw new LabCommandFailed('finding the pending updates of the image', 'apt-get -s dist-upgrade (lab upstream)', r.stderr || r.stdout);
    return parseSimulation(r.stdout);
  }

  /** What `apt-get install PACKAGES` would install on a system with this dpkg status file (tools tests put on a host). */
  async simulateInstall(statusFile: string, packages: string[]): Promise<PlannedInstall[]> {
    const r = await tryRun('apt-get', this.args(statusFile, ['-s', '-q', 'install', ...packages]));
    if (r.code !== 0) throw new LabCommandFailed(`finding what ${packages.join(', ')} would install`, 'apt-get -s install (lab upstream)', r.stderr || r.stdout);
    return parseSimulation(r.stdout);
  }

  /** Downloads exact package versions (`name=version`) into dir. */
  async download(specs: string[], dir: string): Promise<void> {
    if (!specs.length) return;
    const r = await tryRun('apt-get', this.args(null, ['-q', 'download', ...specs]), { cwd: dir, timeoutMs: 600_000 });
    if (r.code !== 0) {
      if (/Failed to fetch|Could not resolve|Connection failed|Unable to connect/i.test(r.stderr)) throw new LabUpstreamUnreachable(this.mirror, r.stderr);
      throw new LabCommandFailed('downloading the security updates', `apt-get download ${specs.join(' ')}`, r.stderr || r.stdout);
    }
  }
}
