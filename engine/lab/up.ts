import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, linkSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors/index.js';
import { LabAlreadyUp, LabIncomplete } from '../errors/lab.js';
import { inventoryYaml, knownHosts, sourcesLine, sshConfig } from './access.js';
import { assignRings, checkLabName, DEFAULT_LAB, DEFAULT_MIRROR_PORT, hostAddress, labNames, labRoots, MAX_HOSTS, type LabNames, type LabRoots } from './config.js';
import { readJson, removeTree, writeFileAtomic, writeJson } from './disk.js';
import { teardown, leftovers } from './down.js';
import { ensureImage, imageIsCached, type ImageAndMirror, type ImageOptions } from './image.js';
import { generateKey } from './host/keys.js';
import { createBridge, createHiddenNetwork, createHostNetwork, routesAndAddresses } from './host/network.js';
import { bootHost, type HostPlan, MIRROR_KEYRING, prepareSeed, waitForSsh } from './host/start.js';
import { acquireLock } from './lock.js';
import { PUBLIC_KEY_FILE } from './mirror/repository.js';
import { startMirrorServer } from './mirror/server.js';
import { preflight } from './preflight.js';
import { isAlive } from './proc.js';
import { type Progress, silentProgress } from './progress.js';
import { readLabFile, writeLabFile } from './state.js';
import { formatCidr, parseCidr, pickSubnet, prefix24, routedPrefixes, type Cidr } from './subnet.js';
import type { LabHost, LabInfo } from './types.js';

export interface UpOptions extends ImageOptions {
  name?: string;
  hosts?: number;
  /** Inventory fields of the hosts. */
  system?: string;
  baseline?: string;
  /** `pilot=1,broad`: ring shares in host order; only the last may omit its count. */
  rings?: string;
  /** Also write the inventory here (removed again by `down` if unchanged). */
  inventoryOut?: string;
  mirrorPort?: number;
  subnet?: string;
  /**
   * Also start this many hosts on a second network that only the first host (the bastion) reaches: the control
   * machine has no route to it, the hosts reach the bastion alone (no mirror), and the lab's ssh_config and
   * inventory reach them with ProxyJump through the bastion.
   */
  behindBastion?: number;
  /** Tear down an existing lab of this name first instead of refusing. */
  replace?: boolean;
  /** Recorded in lab.json (the test harness marks its labs). */
  owner?: string;
  /** Wait this long for another command on the same lab instead of failing. */
  lockWaitMs?: number;
  /**
   * Return the lab as it is when it is up and healthy, has this `owner` and at least `hosts` hosts —
   * checked under the lock, so parallel test workers asking for the same lab start it once.
   */
  reuse?: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Starts a lab: N hosts, each an overlay of the standard image in its own namespaces running the image's
 * sshd with fresh host keys, and the signed mirror served on the control side. `up` on a lab that is up
 * refuses (LabAlreadyUp) unless `replace`; it never adds hosts to a running lab. A failed `up` removes the
 * processes, namespaces and links it made and keeps the logs.
 */
export async function labUp(opts: UpOptions = {}): Promise<LabInfo> {
  const roots = labRoots(opts);
  const names = labNames(checkLabName(opts.name ?? DEFAULT_LAB), roots);
  const count = opts.hosts ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) throw new UsageError(`--hosts must be a whole number from 1 to ${MAX_HOSTS}: got ${opts.hosts}`);
  const hidden = opts.behindBastion ?? 0;
  if (!Number.isInteger(hidden) || hidden < 0 || count + hidden > MAX_HOSTS) throw new UsageError(`--behind-bastion must be a whole number, and hosts in all at most ${MAX_HOSTS}: got ${opts.behindBastion}`);
  const rings = assignRings(opts.rings ?? 'pilot=1,broad', count + hidden);
  const system = opts.system ?? 'lab';
  const baseline = opts.baseline ?? 'debian-12-server';
  for (const [flag, v] of [['--system', system], ['--baseline', baseline]] as const) {
    if (!NAME.test(v)) throw new UsageError(`${flag} '${v}' is not a valid name`, 'letters, digits, ".", "_" and "-", starting with a letter or digit');
  }
  const port = opts.mirrorPort ?? DEFAULT_MIRROR_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--mirror-port must be a port number (1-65535): got ${opts.mirrorPort}`);
  const inventoryOut = opts.inventoryOut === undefined ? undefined : resolve(opts.inventoryOut);
  if (opts.subnet !== undefined) pickSubnet(names.name, [], opts.subnet);
  const progress = opts.progress ?? silentProgress;

  await preflight('up', { needsImage: opts.rebuild || opts.refreshMirror || !imageIsCached(opts) });
  const lock = await acquireLock(names.lockPath, { subject: `lab '${names.name}'`, lab: names.name, command: 'up', waitMs: opts.lockWaitMs, onNotice: (m) => progress.note(m) });
  try {
    const previous = readLabFile(names);
    if (opts.reuse && previous && reusable(previous, count + hidden, opts.owner)) return previous;
    // What counts is what still exists in the kernel: a lab.json saying "up" after a reboot is just a file.
    const live = await leftovers(names);
    if (live.length) {
      if (!opts.replace) throw previous?.status === 'up' ? new LabAlreadyUp(names.name, previous.hosts.length) : new LabIncomplete(names.name);
      await progress.step(`removing the previous lab '${names.name}'`, () => teardown(names, { keepFiles: false }));
    } else {
      // Only files of a finished or failed lab are left: nothing runs, nothing to keep.
      await removeTree(names.dir, names.name);
    }
    const built = await ensureImage({ ...opts, progress });
    const info = await start(names, roots, built, { count, hidden, rings, system, baseline, port, inventoryOut, owner: opts.owner, subnet: opts.subnet }, progress);
    return info;
  } finally {
    lock.release();
  }
}

interface StartPlan {
  count: number;
  hidden: number;
  rings: string[];
  system: string;
  baseline: string;
  port: number;
  inventoryOut?: string;
  owner?: string;
  subnet?: string;
}

async function start(names: LabNames, roots: LabRoots, built: ImageAndMirror, plan: StartPlan, progress: Progress): Promise<LabInfo> {
  const subnet = pickSubnet(names.name, await takenSubnets(roots, names.name), plan.subnet);
  const pre = prefix24(subnet);
  const control = `${pre}.1`;
  const dir = names.dir;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const mirrorDir = join(dir, 'mirror');
  const url = `http://${control}${plan.port === 80 ? '' : `:${plan.port}`}/`;
  const line = sourcesLine(url, built.mirror.info.codename, MIRROR_KEYRING);
  const hiddenSubnet = plan.hidden ? pickSubnet(`${names.name}/behind-bastion`, [...(await takenSubnets(roots, names.name)), subnet]) : undefined;
  const hiddenPre = hiddenSubnet ? prefix24(hiddenSubnet) : '';
  const hosts: LabHost[] = Array.from({ length: plan.count + plan.hidden }, (_, k) => {
    const i = k + 1;
    const behind = i > plan.count ? names.hostName(1) : undefined;
    return {
      name: names.hostName(i),
      address: behind ? hostAddress(hiddenPre, i - plan.count) : hostAddress(pre, i),
      ...(behind ? { behind } : {}),
      port: 22,
      netns: names.netns(i),
      veth: names.veth(i),
      pid: null,
      pidStartTime: null,
      initPid: null,
      initStartTime: null,
      fingerprints: [],
      hostKeys: [],
      ring: plan.rings[k]!,
      dir: join(dir, 'hosts', names.hostName(i)),
    };
  });
  const info: LabInfo = {
    schema: 1,
    name: names.name,
    status: 'starting',
    createdAt: new Date().toISOString(),
    ...(plan.owner ? { owner: plan.owner } : {}),
    stateDir: dir,
    subnet: formatCidr(subnet),
    controlAddress: control,
    bridge: names.bridge,
    ...(hiddenSubnet ? { hidden: { subnet: formatCidr(hiddenSubnet), bridge: names.hiddenBridge, bastion: names.hostName(1), bastionAddress: `${hiddenPre}.1` } } : {}),
    image: built.image,
    hosts,
    keyPath: join(dir, 'id_ed25519'),
    knownHostsPath: join(dir, 'known_hosts'),
    sshConfigPath: join(dir, 'ssh_config'),
    inventoryPath: join(dir, 'inventory.yaml'),
    mirror: {
      ...built.mirror.info,
      url,
      sourcesLine: line,
      port: plan.port,
      dir: mirrorDir,
      pid: null,
      pidStartTime: null,
      keyPath: join(mirrorDir, PUBLIC_KEY_FILE),
      mirrorJsonPath: join(dir, 'mirror.json'),
    },
  };
  // From here on every step is written down before the next one, for `down` after an interruption.
  const save = () => writeLabFile(names, info);
  save();
  try {
    await progress.step(
      `starting lab '${names.name}' on ${info.subnet}`,
      async (update) => {
        update('keys and mirror');
        copyMirror(built.mirror.repo, mirrorDir);
        const clientPub = await generateKey(info.keyPath, 'ed25519', `plumb-lab-${names.name}`);
        writeJson(info.mirror.mirrorJsonPath, { ...built.mirror.info, url, sourcesLine: line });
        await createBridge(names.bridge, `${control}/24`);
        await startMirrorServer(mirrorDir, control, plan.port, join(dir, 'mirror.log'), (p) => {
          info.mirror.pid = p.pid;
          info.mirror.pidStartTime = p.startTime;
          save();
        });
        update(`booting ${hosts.length} hosts`);
        const seedCtx = { clientPublicKey: clientPub, mirrorKeyFile: info.mirror.keyPath, sourcesLine: line, plumbUser: built.manifest.plumbUser };
        const boot = async (h: LabHost, k: number) => {
          const hp: HostPlan = { index: k + 1, name: h.name, address: h.address, netns: h.netns, veth: h.veth, ring: h.ring, dir: h.dir, hidden: Boolean(h.behind) };
          mkdirSync(h.dir, { recursive: true, mode: 0o755 });
          const keys = await prepareSeed(hp, seedCtx);
          h.hostKeys = keys.hostKeys;
          h.fingerprints = keys.fingerprints;
          await createHostNetwork(h.netns, h.veth, h.behind ? names.hiddenBridge : names.bridge, `${h.address}/24`);
          const procs = await bootHost(hp, built.image, (p) => {
            Object.assign(h, p);
            save();
          });
          await waitForSsh(hp, procs);
        };
        await Promise.all(hosts.slice(0, plan.count).map(boot));
        if (info.hidden) {
          // The bastion's namespace exists now: give it its second leg, then the hosts behind it.
          await createHiddenNetwork(names.hiddenBridge, hosts[0]!.netns, names.bastionVeth, `${info.hidden.bastionAddress}/24`);
          await Promise.all(hosts.slice(plan.count).map((h, k) => boot(h, plan.count + k)));
        }
      },
      () => `${hosts.length} host${hosts.length === 1 ? '' : 's'}, mirror ${url}`,
    );
  } catch (e) {
    info.status = 'failed';
    info.error = (e as Error).message;
    save();
    await teardown(names, { keepFiles: true });
    throw e;
  }
  writeFileAtomic(info.knownHostsPath, knownHosts(hosts));
  writeFileAtomic(info.sshConfigPath, sshConfig(hosts, info.keyPath, info.knownHostsPath, names.name));
  const inventory = inventoryYaml(hosts, { system: plan.system, baseline: plan.baseline, keyPath: info.keyPath, lab: names.name, ...(info.hidden ? { sshConfig: info.sshConfigPath } : {}) });
  writeFileAtomic(info.inventoryPath, inventory);
  if (plan.inventoryOut) {
    writeFileSync(plan.inventoryOut, inventory);
    info.inventoryOut = { path: plan.inventoryOut, sha256: createHash('sha256').update(inventory).digest('hex') };
  }
  info.status = 'up';
  save();
  return info;
}

function reusable(info: LabInfo, hosts: number, owner: string | undefined): boolean {
  if (info.status !== 'up' || info.owner !== owner || info.hosts.length < hosts) return false;
  if (!info.mirror.pid || !isAlive(info.mirror.pid, info.mirror.pidStartTime)) return false;
  return info.hosts.every((h) => h.initPid !== null && isAlive(h.initPid, h.initStartTime));
}

/** The lab's own copy of the mirror: indexes copied, packages hard-linked (a rebuilt cache never changes a running lab). */
function copyMirror(from: string, to: string): void {
  cpSync(join(from, 'dists'), join(to, 'dists'), { recursive: true });
  copyFileSync(join(from, PUBLIC_KEY_FILE), join(to, PUBLIC_KEY_FILE));
  const pool = join(to, 'pool', 'main');
  mkdirSync(pool, { recursive: true });
  for (const f of readdirSync(join(from, 'pool', 'main'))) {
    try {
      linkSync(join(from, 'pool', 'main', f), join(pool, f));
    } catch {
      copyFileSync(join(from, 'pool', 'main', f), join(pool, f));
    }
  }
}

/** Subnets routed on this machine or recorded by other labs (which may be down at the moment but keep theirs). */
async function takenSubnets(roots: LabRoots, self: string): Promise<Cidr[]> {
  const { routes, addrs } = await routesAndAddresses();
  const taken = routedPrefixes(routes, addrs);
  try {
    for (const n of readdirSync(roots.stateRoot)) {
      if (n === self) continue;
      const other = readJson<LabInfo>(join(roots.stateRoot, n, 'lab.json'));
      for (const sn of [other?.subnet, other?.hidden?.subnet]) {
        const c = sn ? parseCidr(sn) : null;
        if (c) taken.push(c);
      }
    }
  } catch {
    /* no state root yet */
  }
  return taken;
}
