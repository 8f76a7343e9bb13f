import type { Problem, Provenance } from '../problem.js';
import type { Model } from '../types.js';
import { checkReferences } from './references.js';
import { checkApprovals } from './approvals.js';
import { checkExpiry } from './expiry.js';
import { checkTemplates } from './templates.js';
import { checkWindows } from './windows.js';
import { checkOwnership } from './ownership.js';
import { checkExceptionTargets } from './exceptions.js';
import { checkMacAddresses } from './mac-addresses.js';

export interface RuleContext {
  now: Date;
  locate(file: string, pointer: string): Provenance;
  /** `kind:name` of objects that exist but failed their schema; references to them are not reported again. */
  unreadable: ReadonlySet<string>;
}

/** A rule looks at the whole model and returns problems; it never throws and never does I/O. */
export type Rule = (model: Model, ctx: RuleContext) => Problem[];

/** Registered by hand, in the order their problems make sense to a reader. */
export const RULES: readonly Rule[] = [checkReferences, checkExceptionTargets, checkApprovals, checkOwnership, checkTemplates, checkWindows, checkMacAddresses, checkExpiry];

export function runRules(model: Model, ctx: RuleContext): Problem[] {
  return RULES.flatMap((rule) => rule(model, ctx));
}
