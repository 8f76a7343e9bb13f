import type { Provenance } from '../model/problem.js';
import type { FindingKind, Origin } from '../diff/types.js';

/**
 * The closed set of changes the engine makes on a host. Package actions of one host run as one apt
 * transaction; everything else runs after it in the order of ACTION_ORDER.
 */
export type ActionBody =
  /** `dpkg --configure -a` for a package dpkg left in a broken state; runs first in the host's package transaction. */
  | { type: 'package-repair'; name: string; state: string }
  | { type: 'package-install'; name: string; version?: string; minVersion?: string; upgrade: boolean }
  | { type: 'package-remove'; name: string }
  /** `sensitive`: the content is a secret and is not in the plan (apply takes it from the desired state by its sha256). */
  | { type: 'file-write'; path: string; content?: string; sha256: string; mode?: string; owner?: string; group?: string; sensitive?: boolean }
  | { type: 'file-attributes'; path: string; mode?: string; owner?: string; group?: string }
  /** `sensitive`: `value` is the secret's label, `sensitive, sha256:…`; apply takes the value from the desired state. */
  | { type: 'setting-set'; file: string; syntax: 'space' | 'equals'; key: string; value: string; sensitive?: boolean }
  | { type: 'service-enable' | 'service-disable' | 'service-mask'; unit: string }
  /**
   * `files`: /etc sysctl configuration files whose lines setting another value are rewritten (besides plumb's own file).
   * `persistOnly`: the running value is right (or its finding excepted): only the boot-time configuration is written.
   */
  | { type: 'sysctl-set'; key: string; value: string; files?: string[]; persistOnly?: boolean }
  /** `install NAME /bin/false` and `blacklist NAME` in /etc/modprobe.d/plumbline.conf. */
  | { type: 'kernel-module-disable'; name: string }
  | { type: 'reboot-notify' };

export type ActionType = ActionBody['type'];

export const ACTION_ORDER: readonly ActionType[] = [
  'package-repair',
  'package-remove',
  'package-install',
  'file-write',
  'file-attributes',
  'setting-set',
  'sysctl-set',
  'kernel-module-disable',
  'service-mask',
  'service-disable',
  'service-enable',
  'reboot-notify',
];

export interface ApprovalRef {
  id: string;
  ticket: string;
  approver: string;
  emergency: boolean;
  window?: string;
  source: string;
}

/** One action in a plan: what to change, why (the finding), who asked for it (the YAML) and who allowed it. */
export type PlannedAction = ActionBody & ActionMeta;
/** An action before it is numbered (ActionBody is a union, so Omit<PlannedAction, 'id'> would lose its variants). */
export type UnnumberedAction = ActionBody & Omit<ActionMeta, 'id'>;

export interface ActionMeta {
  /** `host#n`, stable within one plan. */
  id: string;
  finding: string;
  findingKind: FindingKind;
  /** Further findings this one action also resolves (the owner of a file whose mode it changes, a key's boot value), each with its before and after. */
  also?: Array<{ finding: string; findingKind: FindingKind; before: string | null; after: string | null }>;
  /** The imported SCAP rules the finding fails (rule id, CCE, NIST SP 800-53 controls), when the baseline came from SCAP content. */
  controls?: Array<{ rule: string; cce: string[]; nist: string[] }>;
  reason: string;
  before: string | null;
  after: string | null;
  origin: Origin;
  /** `file:line@commit` of the requirement. */
  source: string;
  provenance: Provenance;
  /** The approval that lets a remediation's action run in this host's ring; baselines are approved by their merge. */
  approval?: ApprovalRef;
  /** The same finding was verified fixed by an earlier run: something undid it (a regression, not new drift). */
  regression?: { run: string; verifiedAt: string };
}

/** Actions that run in the host's one package transaction (repair first, then installs and removals together). */
export function isPackageAction<T extends ActionBody>(a: T): a is Extract<T, { type: 'package-install' | 'package-remove' | 'package-repair' }> {
  return a.type === 'package-install' || a.type === 'package-remove' || a.type === 'package-repair';
}

export function isConfigurationAction(a: ActionBody): boolean {
  return !isPackageAction(a) && a.type !== 'reboot-notify';
}
