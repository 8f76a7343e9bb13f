import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/org.js';

const SYSTEM_CONFIG = '/etc/freeradius/3.0';
export const freeradiusSkip = ['/usr/sbin/freeradius', '/usr/bin/radclient', '/usr/lib/freeradius/rlm_rest.so', SYSTEM_CONFIG].every((p) => existsSync(p))
  ? ''
  : 'FreeRADIUS is not installed (apt-get install freeradius freeradius-rest freeradius-utils; .ci/run installs them)';

/** A free UDP port on loopback (bound and released: FreeRADIUS binds it a moment later). */
async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Debian's FreeRADIUS, started in the foreground on a loopback port with a private copy of the system's
 * configuration and the snippets shipped in examples/freeradius/ installed exactly as their comments say (only the
 * address of plumb serve and the port differ). Modules the test does not use are left out, as a MAB-only server would.
 */
export class FreeRadius {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
    readonly log: () => string,
  ) {}

  static async start(plumbUrl: string, token: string): Promise<FreeRadius> {
    const dir = mkdtempSync(join(tmpdir(), 'plumb-freeradius-'));
    const conf = join(dir, 'raddb');
    cpSync(SYSTEM_CONFIG, conf, { recursive: true, dereference: false });
    const ex = join(ROOT, 'examples/freeradius');
    cpSync(join(ex, 'dictionary.plumb'), join(conf, 'dictionary.plumb'));
    writeFileSync(join(conf, 'dictionary'), `${readFileSync(join(conf, 'dictionary'), 'utf8')}\n$INCLUDE dictionary.plumb\n`);
    for (const m of readdirSync(join(conf, 'mods-enabled'))) if (!['always', 'attr_filter', 'expr'].includes(m)) rmSync(join(conf, 'mods-enabled', m));
    writeFileSync(join(conf, 'mods-enabled/plumb_admission'), readFileSync(join(ex, 'mods-available/plumb_admission'), 'utf8').replace('https://plumb.example.org:8443', plumbUrl));
    cpSync(join(ex, 'policy.d/plumb_admission'), join(conf, 'policy.d/plumb_admission'));
    for (const s of readdirSync(join(conf, 'sites-enabled'))) rmSync(join(conf, 'sites-enabled', s));
    const port = await freeUdpPort();
    writeFileSync(join(conf, 'sites-enabled/plumb-admission'), readFileSync(join(ex, 'sites-available/plumb-admission'), 'utf8').replace('ipaddr = *', 'ipaddr = 127.0.0.1').replace('port = 1812', `port = ${port}`));
    writeFileSync(join(conf, 'plumb-admission.token'), `&REST-HTTP-Header := "Authorization: Bearer ${token}"\n`, { mode: 0o640 });
    // Run as the test's user, with its own run and log folders, so parallel runs and the system's server never meet.
    mkdirSync(join(dir, 'run'));
    mkdirSync(join(dir, 'log'));
    writeFileSync(
      join(conf, 'radiusd.conf'),
      readFileSync(join(conf, 'radiusd.conf'), 'utf8')
        .replace(/^(\s*)(user|group) = freerad$/gm, '$1#$2 = freerad')
        .replace(/^run_dir = .*$/m, `run_dir = ${join(dir, 'run')}`)
        .replace(/^logdir = .*$/m, `logdir = ${join(dir, 'log')}`),
    );
    const child = spawn('/usr/sbin/freeradius', ['-X', '-d', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`freeradius did not start:\n${out.slice(-3000)}`)), 60_000);
      const check = () => {
        if (out.includes('Ready to process requests')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`freeradius exited ${code}:\n${out.slice(-3000)}`));
      });
    });
    return new FreeRadius(dir, port, child, () => out);
  }

  /** One Access-Request as a switch doing MAC authentication bypass sends it; the reply's code and attributes. */
  macAuth(mac: string): { code: string; attributes: string } {
    const bare = mac.replace(/[:.-]/g, '').toLowerCase();
    const r = spawnSync('radclient', ['-x', '-r', '1', '-t', '10', `127.0.0.1:${this.port}`, 'auth', 'testing123'], { input: `User-Name = "${bare}"\nUser-Password = "${bare}"\nCalling-Station-Id = "${mac.toUpperCase().replace(/:/g, '-')}"\n`, encoding: 'utf8' });
    const m = /Received (Access-\w+)/.exec(r.stdout);
    return { code: m?.[1] ?? `no answer (exit ${r.status}): ${r.stderr}`, attributes: r.stdout.slice(r.stdout.indexOf('Received')) };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const done = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await done;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
