import type { Expr } from './criteria.js';
import type { OvalDocument } from './oval.js';

/** One thing a Plumbline baseline can check and enforce, as an imported rule asks for it. */
export type ScapItem =
  | { kind: 'package'; name: string; state: 'installed' | 'removed' }
  | { kind: 'setting'; file: string; syntax: 'space' | 'equals'; key: string; value: string }
  /** The running value and the value the sysctl configuration files set at boot. */
  | { kind: 'sysctl'; key: string; value: string }
  /** `maxMode`: no permission bit beyond these (SSG's "0640 or stricter"). */
  | { kind: 'file'; path: string; owner?: string; group?: string; maxMode?: string }
  | { kind: 'service'; unit: string; state: 'enabled' | 'disabled' | 'masked' }
  /** Loading the module is turned off in the modprobe configuration (`install NAME /bin/false`). */
  | { kind: 'kernel-module'; name: string };

/**
 * A mapper plug-in (mappers/<kind>.ts): it reads the conjuncts of a rule's OVAL check (the parts that must all
 * hold) and claims those it can express. Pure: the OVAL document and the profile's values in, items out.
 */
export interface Mapper {
  readonly kind: ScapItem['kind'];
  /** One line for the README and `plumb import scap --help`: which checks it understands. */
  readonly description: string;
  claim(conjuncts: readonly Expr[], ctx: MapContext): Claim[];
}

export interface MapContext {
  doc: OvalDocument;
  bound: Map<string, string>;
}

/** Conjuncts a mapper took, and what they mean (items), or why a conjunct of its kind cannot be mapped. */
export type Claim = { used: Expr[]; items: ScapItem[]; note?: string } | { used: Expr[]; reason: string };

/** The key of each check an item makes, as rule provenance and verdicts name them (one per file attribute). */
export function checkKeys(item: ScapItem): string[] {
  switch (item.kind) {
    case 'package':
      return [`package:${item.name}`];
    case 'setting':
      return [`setting:${item.file}:${item.key}`];
    case 'sysctl':
      return [`sysctl:${item.key}`];
    case 'file':
      return [item.owner && `file:${item.path}:owner`, item.group && `file:${item.path}:group`, item.maxMode && `file:${item.path}:mode`].filter((k): k is string => Boolean(k));
    case 'service':
      return [`service:${item.unit}`];
    case 'kernel-module':
      return [`kernel-module:${item.name}`];
  }
}
