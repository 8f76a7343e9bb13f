/**
 * What a host really has, as gathered in one round trip (engine/facts/gather.sh) and parsed into this shape.
 * A fact that could not be gathered (tool missing, permission denied) is `null` and listed in `unknown`
 * with the reason: "unknown" is never confused with "absent".
 */
export interface Facts {
  host: string;
  /** ISO 8601 time the script ran on the host. */
  gatheredAt: string;
  os: OsRelease | null;
  kernel: string | null;
  /** dpkg or uname architecture, e.g. amd64. */
  arch: string | null;
  /** Which package platform the host has (the plug-in under engine/platform/). */
  platform: 'apt' | 'rpm' | null;
  /** Installed (and half-installed, config-files …) packages by name; null when no package database could be read. */
  packages: Record<string, InstalledPackage> | null;
  /** Packages on hold (apt-mark showhold / dpkg selections). */
  held: string[] | null;
  /**
   * Exit status of the commands manual remediations check with, by remediation id (engine/manual/commands.ts): run
   * on the host's connection right after the facts, only where the remediation is approved for the host's ring.
   */
  checks?: Record<string, { exit: number }>;
  /** Metadata of every path the desired state names (never following a link); content only for `content` requests. */
  files: Record<string, FileFact>;
  /**
   * Every directory above a path the desired state names (the root too), by path: what decides whether plumb may
   * change that path (a real directory, owned by root or the path's declared owner, not writable by others). Always
   * set by the gather; absent only in hand-made facts (tests), where no directory is judged.
   */
  dirs?: Record<string, DirFact>;
  /** key → value as the program that reads the file would see it (sshd: first occurrence wins; `=` files: last wins). */
  settings: Record<string, Record<string, string | null>>;
  /** Unit name (with suffix) → state, read without needing a running systemd. */
  services: Record<string, ServiceFact>;
  /** sysctl key → current value (whitespace normalised to single spaces), null when unreadable. */
  sysctl: Record<string, string | null>;
  /**
   * sysctl key → every `key = value` line of the boot-time configuration (/etc/sysctl.conf, /etc/sysctl.d, /run/sysctl.d,
   * /usr/local/lib/sysctl.d, /usr/lib/sysctl.d), in the order read; [] when none sets it. Absent (and `sysctl-boot` in
   * `unknown`) when it could not be read; absent altogether in facts made by hand.
   */
  sysctlBoot?: Record<string, Array<{ file: string; value: string }>>;
  /** Kernel module → its `install` and `blacklist` lines (as written) in the modprobe configuration (modprobe.d, /etc/modprobe.conf); [] when none. */
  kernelModules?: Record<string, Array<{ file: string; line: string }>>;
  listening: ListeningSocket[] | null;
  rebootRequired: boolean | null;
  /** Packages that asked for the reboot (/run/reboot-required.pkgs). */
  rebootPackages: string[];
  uptimeSeconds: number | null;
  /** Facts that could not be gathered, with why: { fact: 'listening', reason: 'ss not installed' }. */
  unknown: Array<{ fact: string; reason: string }>;
}

export interface OsRelease {
  /** ID from /etc/os-release: debian, ubuntu, almalinux … */
  id: string;
  /** VERSION_ID: 12, 22.04, 9.3 … */
  versionId: string;
  versionCodename?: string;
  prettyName?: string;
}

export interface InstalledPackage {
  name: string;
  version: string;
  arch: string;
  /** dpkg's status abbreviation decoded: installed, config-files, half-installed, unpacked, half-configured, triggers-awaiting, triggers-pending, not-installed. */
  status: string;
  /** Source package name and version (Debian advisories name source packages). */
  source: string;
  sourceVersion: string;
}

export interface FileFact {
  exists: boolean;
  /** 'file' | 'directory' | 'symlink' | 'other' when it exists. */
  type?: string;
  /** Octal string with four digits, e.g. 0640. */
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  sha256?: string;
  /** Where a symlink points (as the link says), for type 'symlink'. */
  target?: string;
  /** The file was read redacted (it holds secrets, or keys only unapproved remediations ask for): no text left the host. */
  sensitive?: boolean;
  /** UTF-8 content, only for paths asked by `content` (never for files the desired state manages), up to 256 KiB. */
  content?: string;
}

/** A directory above a managed path, as lstat describes it. */
export interface DirFact {
  /** 'directory', or what stands in a directory's place: 'symlink', 'file', 'other'. */
  type: string;
  mode: string;
  owner: string;
  target?: string;
}

export interface ServiceFact {
  /** enabled | disabled | masked | static | indirect | generated | alias | not-found */
  state: string;
  /** active | inactive | failed | unknown (unknown when no systemd is running). */
  active: string;
}

export interface ListeningSocket {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
  process?: string;
}

/** What the gather script is asked to look at, derived from the desired state for one host. */
export interface FactsRequest {
  /** Paths whose metadata is wanted. */
  files: string[];
  /** Paths whose content is wanted too (config files with settings, templated or literal managed files). */
  contents: string[];
  /** Unit names, with suffix. */
  services: string[];
  sysctl: string[];
  /** Kernel modules whose modprobe configuration is wanted. */
  modules?: string[];
  /**
   * Config files whose key/value settings are compared, with their syntax and the keys wanted. `hashed`: keys whose
   * values may leave the host only as their sha256 (secrets, and keys only unapproved remediations ask for); a file
   * with any is read redacted and its text never leaves the host.
   */
  settings: Array<{ file: string; syntax: 'space' | 'equals'; keys: string[]; hashed?: string[] }>;
}

/**
 * `plumb facts --all --out facts.json`: every host's facts at one moment, so that a check that cannot reach the
 * fleet (a pull-request job) can plan against them later with `plumb plan --facts facts.json`.
 */
export interface FactsSnapshot {
  /** Format version of this file; 2 (facts with `dirs`, secrets as labels). */
  version: 2;
  /** When the gathering run started (ISO 8601). */
  gatheredAt: string;
  /** The desired-state commit whose request was gathered, when known. */
  commit?: string;
  /** Host name → facts. */
  hosts: Record<string, Facts>;
  /** Hosts that could not be gathered: host name → error code and message. Absent when all succeeded. */
  errors?: Record<string, { code: string; message: string }>;
}
