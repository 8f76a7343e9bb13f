import type {
  Admission as AdmissionDocument,
  ApprovalDocument,
  BaselineDocument,
  BoardMember,
  ExceptionDocument,
  Host as HostDocument,
  JumpHost as JumpHostDocument,
  MaintenanceWindow,
  ManagedFile,
  Platform,
  Policy as PolicyDocument,
  RemediationDocument,
  Ring as RingDocument,
  ServiceState,
  SettingSyntax,
  System as SystemDocument,
} from './types.generated.js';
import type { Provenance } from './problem.js';

export type * from './types.generated.js';

/** Anything loaded from YAML knows where it came from. */
export interface Sourced {
  source: Provenance;
}

export type SystemEntry = SystemDocument & Sourced;
export type HostEntry = HostDocument & Sourced;
export type RingEntry = RingDocument & Sourced & { index: number };
export type WindowEntry = MaintenanceWindow & Sourced;
export type BoardMemberEntry = BoardMember & Sourced;
export type BaselineEntry = BaselineDocument & Sourced;
export type RemediationEntry = RemediationDocument & Sourced;
export type ApprovalEntry = ApprovalDocument & Sourced;
export type ExceptionEntry = ExceptionDocument & Sourced;
export type PolicyEntry = PolicyDocument & Sourced;
export type AdmissionEntry = AdmissionDocument & Sourced;
export type JumpHostEntry = JumpHostDocument & Sourced;

/** One requirement of a resolved baseline; `source` is where it was declared, possibly in a parent. */
export interface RequiredPackageReq extends Sourced {
  name: string;
  min_version?: string;
  version?: string;
}
export interface ForbiddenPackageReq extends Sourced {
  name: string;
  reason?: string;
}
export type FileReq = ManagedFile & Sourced;
export interface SettingReq extends Sourced {
  file: string;
  syntax: SettingSyntax;
  key: string;
  value: string;
  /** The entry's `sensitive:` for this key: true or false when it says so, absent for the default rule (engine/secrets). */
  sensitive?: boolean;
}
export interface ServiceReq extends Sourced {
  /** Full unit name: a bare name gets `.service`. */
  name: string;
  state: ServiceState;
}
export interface SysctlReq extends Sourced {
  key: string;
  value: string;
}
export interface KernelModuleReq extends Sourced {
  name: string;
  state: 'disabled';
}

/**
 * A rule of imported SCAP content and the checks it became (baseline `scap.rules`), with where it was imported
 * from. Findings on those checks name the rule, its CCE and its NIST SP 800-53 controls.
 */
export interface ControlRule extends Sourced {
  id: string;
  title?: string;
  severity?: string;
  cce: string[];
  nist: string[];
  /** package:NAME, setting:FILE:KEY, sysctl:KEY, file:PATH:owner|group|mode, service:UNIT, kernel-module:NAME */
  checks: string[];
  guard?: string;
  notes?: string[];
  /** `package:NAME` conditions: the rule applies only where these are installed (its XCCDF platforms). */
  appliesIf?: string[];
  /** The content it came from: data stream file, benchmark id and version, profile. */
  content: { datastream: string; benchmark: string; version: string; profile: string };
}

/** A rule of imported SCAP content that no Plumbline check expresses (baseline `unmapped`). */
export interface UnmappedControl extends Sourced {
  rule: string;
  title?: string;
  severity?: string;
  cce: string[];
  nist: string[];
  reason: string;
}

/** A baseline with its `extends` chain merged (see engine/model/README.md for the merge rules). */
export interface ResolvedBaseline extends Sourced {
  name: string;
  /** Ancestors first, then this baseline. */
  chain: string[];
  platform?: Platform & Sourced;
  variables: Record<string, string | number | boolean>;
  packages: { required: RequiredPackageReq[]; forbidden: ForbiddenPackageReq[] };
  files: FileReq[];
  settings: SettingReq[];
  services: ServiceReq[];
  sysctl: SysctlReq[];
  kernelModules: KernelModuleReq[];
  /** Imported SCAP rules of this baseline and its parents (a child's entry replaces a parent's of the same id). */
  controls: ControlRule[];
  unmapped: UnmappedControl[];
}

/** The validated desired state of one commit (or the working tree). Pure data: no I/O hangs off it. */
export interface Model {
  commit: string | null;
  systems: Map<string, SystemEntry>;
  hosts: Map<string, HostEntry>;
  /** In rollout order. */
  rings: RingEntry[];
  windows: Map<string, WindowEntry>;
  board: Map<string, BoardMemberEntry>;
  baselines: Map<string, BaselineEntry>;
  resolvedBaselines: Map<string, ResolvedBaseline>;
  remediations: Map<string, RemediationEntry>;
  approvals: Map<string, ApprovalEntry>;
  exceptions: Map<string, ExceptionEntry>;
  /** The inventory's `policy` section (declared in one file); absent = every default (engine/prioritize). */
  policy?: PolicyEntry;
  /** The inventory's `admission` section (declared in one file); absent = every default (engine/serve/admission). */
  admission?: AdmissionEntry;
  /** The inventory's `ssh_config` (declared in one file): the ssh_config(5) file SSH hosts take their connection from. */
  sshConfig?: { path: string } & Sourced;
  /** Bastions ProxyJump goes through that are not managed hosts, with their pinned keys (engine/transport/ssh). */
  jumpHosts: Map<string, JumpHostEntry>;
}

export function emptyModel(commit: string | null): Model {
  return {
    commit,
    systems: new Map(),
    hosts: new Map(),
    rings: [],
    windows: new Map(),
    board: new Map(),
    baselines: new Map(),
    resolvedBaselines: new Map(),
    remediations: new Map(),
    approvals: new Map(),
    exceptions: new Map(),
    jumpHosts: new Map(),
  };
}

/** `sshd` → `sshd.service`; names with a unit suffix are kept. */
export function unitName(name: string): string {
  return /\.(service|socket|timer|path|mount|target|slice|scope|swap|automount|device)$/.test(name) ? name : `${name}.service`;
}
