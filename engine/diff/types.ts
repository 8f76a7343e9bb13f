import type { Provenance } from '../model/problem.js';
import type { Severity } from '../model/types.js';

/** What demands a finding: a baseline (approved by its merge) or a remediation (approved per ring by the board). */
export type Origin = { kind: 'baseline'; name: string } | { kind: 'remediation'; id: string; severity: Severity; emergency: boolean };

/** One thing the desired state wants of a host, with where it is written. */
export type Requirement = RequirementBody & { origin: Origin; source: Provenance };

export type RequirementBody =
  | { type: 'package-present'; name: string; minVersion?: string; version?: string }
  | { type: 'package-absent'; name: string; reason?: string }
  /** A patch: an installed package must reach this version; a package that is not installed is left alone. */
  | { type: 'package-fixed'; name: string; version: string }
  /** `sensitive`: the content is a secret (engine/secrets): shown only as its sha256. `symlink`: the path is declared a link to this target. */
  /** `maxMode`: an upper bound on the permission bits ("0640 or stricter"), exclusive with `mode`. */
  | { type: 'file'; path: string; content?: string; mode?: string; maxMode?: string; owner?: string; group?: string; sensitive?: boolean; symlink?: string }
  /** `sensitive`: the value is a secret, compared by hash and shown only as `sensitive, sha256:…`. */
  | { type: 'setting'; file: string; syntax: 'space' | 'equals'; key: string; value: string; sensitive?: boolean }
  | { type: 'service'; unit: string; state: 'enabled' | 'disabled' | 'masked' }
  /** The running value, and every line of the boot-time configuration that sets the key (at least one). */
  | { type: 'sysctl'; key: string; value: string }
  /** Loading the module is turned off: `install NAME /bin/false` (or /bin/true) in the modprobe configuration. */
  | { type: 'kernel-module'; name: string; state: 'disabled' }
  /** Every managed host should run what is installed: a pending reboot is reported (never performed). */
  | { type: 'reboot' }
  /** A package dpkg left half-installed, unpacked, half-configured or awaiting triggers must be repaired (the policy's package_repair). */
  | { type: 'package-state'; name: string; unresolvable?: string };

/** The closed set of ways a host can differ from its desired state. */
export type FindingKind =
  | 'package-missing'
  | 'package-version'
  | 'package-forbidden'
  | 'package-vulnerable'
  | 'package-broken'
  | 'file-missing'
  | 'file-content'
  | 'file-mode'
  | 'file-owner'
  /** A managed path is a symbolic link (not declared one), or not what it is declared to be: plumb never follows or replaces it. */
  | 'file-type'
  /** A directory above a managed path is a link, not a directory, owned by someone else, or writable by others. */
  | 'file-parent'
  | 'setting'
  | 'service'
  | 'sysctl'
  /** The running value may be right, but the configuration read at boot does not set it, or sets it otherwise: lost at reboot. */
  | 'sysctl-boot'
  | 'kernel-module'
  | 'reboot-required';

/** One difference between a host's real state and its desired state, naming the YAML that demands it. */
export interface Finding {
  /** Stable `kind:subject`, e.g. package-forbidden:telnetd, setting:/etc/ssh/sshd_config:PermitRootLogin. Exceptions refer to it. */
  key: string;
  kind: FindingKind;
  host: string;
  subject: string;
  expected: string | null;
  actual: string | null;
  message: string;
  origin: Origin;
  source: Provenance;
  /** The requirement behind it, which the planner turns into an action. */
  requirement: Requirement;
  /** Set when no action can resolve it (e.g. a service to enable whose unit is not installed). */
  unresolvable?: string;
  /** The imported SCAP rules (baseline `scap.rules`) this finding fails: rule id, CCE, NIST SP 800-53 controls. */
  controls?: Array<{ rule: string; cce: string[]; nist: string[] }>;
  /** Configuration files (under /etc) whose lines the action rewrites besides its own (sysctl-boot: lines setting another value). */
  paths?: string[];
}

export interface SuppressedFinding extends Finding {
  exception: { id: string; kind: 'deferral' | 'false-positive'; expires: string; source: Provenance };
}

export interface HostDiff {
  host: string;
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Requirements that could not be checked because a fact is unknown on this host. */
  unknown: Array<{ subject: string; reason: string; source: Provenance }>;
}
