// npm run bench:lab — times the lab through the built CLI, as a person runs it:
//   first image build (and mirror)  target ≤ 90 s   (cached: says so; `-- --cold` builds into a fresh cache)
//   `plumb lab up --hosts 5`        target ≤ 10 s   (image cached; best and worst of 3)
//   `plumb lab down`                target ≤  5 s
// Run as root; other load on the machine shows in the figures (they are wall-clock).
// Each figure is compared with its target and with a floor measured in the same run: the bare work the
// step cannot avoid, done directly with the same tools (extracting the image's .debs; making the same
// namespaces, veths and keys with ip and ssh-keygen; deleting them).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/engine/cli/main.js', import.meta.url));
const cold = process.argv.includes('--cold');
const HOSTS = 5;
const NAME = `bench${process.pid % 100}`;

if (process.getuid?.() !== 0) {
  console.log('bench:lab needs root (the lab makes namespaces and mounts): skipped');
  process.exit(0);
}

const coldCache = cold ? mkdtempSync(join('/var/cache', 'plumb-bench-')) : undefined;
const env = { ...process.env, NO_COLOR: '1', ...(coldCache ? { PLUMB_LAB_CACHE_DIR: coldCache } : {}) };

function timed(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [MAIN, 'lab', ...args], { encoding: 'utf8', env });
  const secs = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`plumb lab ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return { secs, stdout: r.stdout, stderr: r.stderr };
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function clock(fn) {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/** Floor of an image build: extract every .deb of the image (the files it has), no scripts, no downloads. */
function imageFloor(cacheRoot, image) {
  const manifest = JSON.parse(readFileSync(join(image.dir, 'image.json'), 'utf8'));
  const debs = join(cacheRoot, 'debootstrap', manifest.release);
  const files = readdirSync(debs);
  const wanted = manifest.packages.map((p) => `${p.name}_${p.version.replace(':', '%3a')}_${p.arch}.deb`).filter((f) => files.includes(f));
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-floor-'));
  try {
    return { secs: clock(() => { for (const f of wanted) sh('dpkg-deb', ['-x', join(debs, f), dir]); }), debs: wanted.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Floor of up/down: the same namespaces, veths and host keys made (and removed) directly. */
function networkFloor() {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-keys-'));
  const ns = (i) => `plumb-bfloor-${i}`;
  try {
    const up = clock(() => {
      sh('ip', ['link', 'add', 'plb-bfloor', 'type', 'bridge']);
      for (let i = 1; i <= HOSTS; i++) {
        sh('ip', ['netns', 'add', ns(i)]);
        sh('ip', ['link', 'add', `plv-bfloor-${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns(i)]);
        sh('ip', ['link', 'set', `plv-bfloor-${i}`, 'master', 'plb-bfloor', 'up']);
        for (const t of ['ed25519', 'ecdsa']) sh('ssh-keygen', ['-q', '-t', t, '-N', '', '-f', join(dir, `${i}-${t}`)]);
      }
    });
    const down = clock(() => {
      for (let i = 1; i <= HOSTS; i++) sh('ip', ['netns', 'del', ns(i)]);
      sh('ip', ['link', 'del', 'plb-bfloor']);
    });
    return { up, down };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    spawnSync('ip', ['link', 'del', 'plb-bfloor']);
    for (let i = 1; i <= HOSTS; i++) spawnSync('ip', ['netns', 'del', ns(i)]);
  }
}

const rows = [];
const row = (what, secs, target, floor, note = '') => rows.push({ what, secs, target, floor, note });

try {
  timed(['down', '--name', NAME]);

  // 1. The image and its mirror.
  const image = timed(['image', '--json']);
  const info = JSON.parse(image.stdout);
  const cached = info.imageCached && info.mirror.cached;
  const cacheRoot = coldCache ?? process.env.PLUMB_LAB_CACHE_DIR ?? '/var/cache/plumbline/lab';
  const imgFloor = imageFloor(cacheRoot, info.image);
  row(
    cached ? 'image + mirror (cached)' : 'first image build + mirror',
    image.secs,
    90,
    imgFloor.secs,
    cached ? 'cached: no build happened; `npm run bench:lab -- --cold` times a real first build' : `${info.packages} packages, ${info.mirror.securityUpdates.length} security updates; floor: dpkg-deb -x of its ${imgFloor.debs} .debs`,
  );

  // 2. up and down, three times. Their floor includes starting the CLI at all (`plumb --help`).
  const startup = Math.min(...[0, 1, 2].map(() => clock(() => sh(process.execPath, [MAIN, '--help']))));
  const net = networkFloor();
  const floor = { up: startup + net.up, down: startup + net.down };
  const ups = [];
  const downs = [];
  for (let k = 0; k < 3; k++) {
    ups.push(timed(['up', '--name', NAME, '--hosts', String(HOSTS), '--json']).secs);
    downs.push(timed(['down', '--name', NAME]).secs);
  }
  const fmt = (xs) => `best ${Math.min(...xs).toFixed(2)} s of ${xs.map((x) => x.toFixed(2)).join(', ')}`;
  row(`lab up --hosts ${HOSTS} (worst of 3)`, Math.max(...ups), 10, floor.up, `${fmt(ups)}; floor: CLI start ${startup.toFixed(2)} s + ${HOSTS} netns, veths and keys made directly`);
  row('lab down (worst of 3)', Math.max(...downs), 5, floor.down, `${fmt(downs)}; floor: CLI start + the same netns and links deleted directly`);
} finally {
  spawnSync(process.execPath, [MAIN, 'lab', 'down', '--name', NAME], { env });
  if (coldCache && existsSync(coldCache)) rmSync(coldCache, { recursive: true, force: true });
}

console.log(`\nplumb lab benchmark (${new Date().toISOString()}, ${process.version})`);
for (const r of rows) {
  const verdict = r.secs <= r.target ? 'MET' : 'MISSED';
  console.log(
    `${r.what.padEnd(34)} ${r.secs.toFixed(2).padStart(7)} s   target ≤ ${String(r.target).padStart(2)} s → ${verdict.padEnd(6)} (${(r.secs / r.target).toFixed(2)} of target; ${(r.secs / r.floor).toFixed(1)}× floor ${r.floor.toFixed(2)} s)`,
  );
  if (r.note) console.log(`${''.padEnd(34)} ${r.note}`);
}
