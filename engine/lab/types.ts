/**
 * The lab's records. `lab.json` is a LabInfo; `mirror.json` is a MirrorInfo. Both are written for scripts and
 * tests as much as for `plumb lab` itself, so fields are only ever added, never renamed.
 */

export interface LabHost {
  name: string;
  address: string;
  port: number;
  /** The network namespace (`ip netns exec <netns> …`). */
  netns: string;
  /** The control-side end of the host's veth, attached to the lab bridge. */
  veth: string;
  /** `unshare`, parent of the host's PID namespace; killing `initPid` ends every process of the host. */
  pid: number | null;
  pidStartTime: number | null;
  /** sshd, PID 1 of the host's PID namespace, as seen from the control machine. */
  initPid: number | null;
  initStartTime: number | null;
  /** SHA256 fingerprints of the host keys, ed25519 first. */
  fingerprints: string[];
  /** The public host keys as `type base64` lines (what known_hosts holds). */
  hostKeys: string[];
  ring: string;
  /** Host directory in the state dir: overlay upper/work, seed files, boot log. */
  dir: string;
  /** On the network behind this bastion host (`--behind-bastion`): only the bastion reaches it. */
  behind?: string;
}

export interface SecurityUpdate {
  package: string;
  arch: string;
  /** Version installed in the image. */
  imageVersion: string;
  /** Version in the mirror, from the security suite. */
  fixedVersion: string;
  source: string;
  sourceVersion: string;
  /** CVE ids named in the changelog entries between the two versions (empty when the changelog was not readable). */
  cves: string[];
  /** Path of the .deb relative to the mirror root. */
  filename: string;
  /** Path of the image version's .deb, kept in the mirror so that tests can downgrade. */
  imageFilename: string | null;
}

export interface MirrorPackage {
  package: string;
  version: string;
  arch: string;
  filename: string;
  /** Why it is in the mirror: a security update, the image version of one, a new dependency of one, or a test package. */
  role: 'security-update' | 'image-version' | 'dependency' | 'test-package';
}

export interface TestPackage {
  package: string;
  version: string;
  summary: string;
  filename: string;
  cves: string[];
}

export interface MirrorInfo {
  codename: string;
  suite: string;
  components: string[];
  architectures: string[];
  /** http://ADDRESS:PORT/ on the control side of the lab network; empty in the cached copy. */
  url: string;
  /** The line a host's sources.list holds. */
  sourcesLine: string;
  /** OpenPGP fingerprint of the signing key. */
  keyFingerprint: string;
  release: string;
  builtAt: string;
  upstream: { mirror: string; security: string };
  securityUpdates: SecurityUpdate[];
  testPackages: TestPackage[];
  packages: MirrorPackage[];
}

export interface LabImage {
  release: string;
  hash: string;
  dir: string;
  rootfs: string;
}

export interface LabInfo {
  schema: 1;
  name: string;
  /** failed: `up` failed and removed what it made, keeping the logs; `error` says why. */
  status: 'starting' | 'up' | 'failed';
  error?: string;
  createdAt: string;
  /** Set by the test harness: which test run made the lab (a lab without owner was made by a person). */
  owner?: string;
  stateDir: string;
  subnet: string;
  controlAddress: string;
  bridge: string;
  /** `--behind-bastion N`: the second network, which only the bastion (the first host, on eth1) reaches. */
  hidden?: { subnet: string; bridge: string; bastion: string; bastionAddress: string };
  image: LabImage;
  hosts: LabHost[];
  keyPath: string;
  knownHostsPath: string;
  sshConfigPath: string;
  inventoryPath: string;
  /** A copy of the inventory written where --inventory-out said, removed again by `down` if unchanged. */
  inventoryOut?: { path: string; sha256: string };
  mirror: MirrorInfo & { port: number; dir: string; pid: number | null; pidStartTime: number | null; keyPath: string; mirrorJsonPath: string };
}

/** What `status` adds to a LabInfo: what is running right now. */
export interface LabHealth {
  name: string;
  /** starting: an `up` is running; incomplete: an `up` was interrupted (run `down`); failed: the last `up` failed; degraded: up, but something died. */
  status: 'up' | 'starting' | 'degraded' | 'incomplete' | 'failed' | 'down';
  lock: { pid: number; command: string; since: string; alive: boolean } | null;
  mirror: { running: boolean };
  hosts: Array<{ name: string; running: boolean; sshReachable: boolean }>;
  problems: string[];
}
