import type { Platform, Policy as PolicyDocument } from '../model/types.generated.js';
import type { Severity } from '../advisories/types.js';
import type { Model } from '../model/types.js';

/**
 * The prioritization policy with every default filled in. The inventory's `policy` section (schema:
 * engine/model/schema/inventory.schema.json#/definitions/Policy) overrides any part of it.
 */
export interface Tier {
  name: string;
  minScore: number;
  /** Seconds from learning of the advisory to the deadline. */
  deadlineSeconds: number;
  /** As written in the policy, for people: '7d'. */
  deadline: string;
}

export interface Policy {
  weights: {
    severity: Record<Severity, number>;
    impact: Record<'low' | 'moderate' | 'high', number>;
    criticality: Record<'low' | 'medium' | 'high' | 'critical', number>;
    internetFacing: number;
    knownExploited: number;
    ransomware: number;
    exploitAssumed: number;
  };
  /** Highest min_score first. */
  tiers: Tier[];
  exposureTags: string[];
  kevCatalog?: string;
  kevDueDates: boolean;
  /** The internal mirrors hosts install from, with defaults filled in; empty = none declared. */
  mirrors: Mirror[];
}

/** An internal apt mirror (inventory `policy.mirrors`): where fixes come from (SP 800-40 2.8). */
export interface Mirror {
  /** Base URL, always ending in '/'. */
  url: string;
  suites: string[];
  components: string[];
  architectures: string[];
  platform: Platform;
  /** Repository-relative path of the binary OpenPGP keyring its InRelease must verify against. */
  keyring: string;
}

export const DEFAULT_POLICY: Policy = {
  weights: {
    severity: { critical: 10, high: 7, medium: 4, low: 1, negligible: 0, unknown: 4 },
    impact: { high: 4, moderate: 2, low: 0 },
    criticality: { critical: 4, high: 3, medium: 1, low: 0 },
    internetFacing: 4,
    knownExploited: 10,
    ransomware: 3,
    exploitAssumed: 3,
  },
  tiers: [
    { name: 'emergency', minScore: 25, deadlineSeconds: 2 * 86400, deadline: '2d' },
    { name: 'high', minScore: 16, deadlineSeconds: 7 * 86400, deadline: '7d' },
    { name: 'normal', minScore: 9, deadlineSeconds: 30 * 86400, deadline: '30d' },
    { name: 'low', minScore: 0, deadlineSeconds: 90 * 86400, deadline: '90d' },
  ],
  exposureTags: ['internet-facing'],
  kevDueDates: true,
  mirrors: [],
};

const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** '2d', '1d12h', '30m' or a number of seconds (the schema's Duration) → seconds. */
export function parseDuration(d: string | number): number {
  if (typeof d === 'number') return d;
  if (d === '0') return 0;
  let total = 0;
  for (const m of d.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNIT[m[2]!]!;
  return total;
}

/** The document's policy over the defaults. The document is already schema-valid. */
export function resolvePolicy(doc: PolicyDocument | undefined): Policy {
  const d = DEFAULT_POLICY;
  const w = doc?.weights ?? {};
  const tiers = doc?.tiers
    ? doc.tiers.map((t) => ({ name: t.name, minScore: t.min_score, deadlineSeconds: parseDuration(t.deadline), deadline: String(t.deadline) }))
    : d.tiers;
  return {
    weights: {
      severity: { ...d.weights.severity, ...w.severity },
      impact: { ...d.weights.impact, ...w.impact },
      criticality: { ...d.weights.criticality, ...w.criticality },
      internetFacing: w.internet_facing ?? d.weights.internetFacing,
      knownExploited: w.known_exploited ?? d.weights.knownExploited,
      ransomware: w.ransomware ?? d.weights.ransomware,
      exploitAssumed: w.exploit_assumed ?? d.weights.exploitAssumed,
    },
    tiers: [...tiers].sort((a, b) => b.minScore - a.minScore),
    exposureTags: doc?.exposure_tags ?? d.exposureTags,
    ...(doc?.kev_catalog ? { kevCatalog: doc.kev_catalog } : {}),
    kevDueDates: doc?.kev_due_dates ?? d.kevDueDates,
    mirrors: (doc?.mirrors ?? []).map((m) => ({
      url: m.url.endsWith('/') ? m.url : `${m.url}/`,
      suites: [...m.suites],
      components: m.components ? [...m.components] : ['main'],
      architectures: m.architectures ? [...m.architectures] : ['amd64'],
      platform: m.platform,
      keyring: m.keyring,
    })),
  };
}

/** The tier a score falls into: the one with the highest min_score it reaches, else the lowest tier. */
export function tierOf(policy: Policy, score: number): Tier {
  return policy.tiers.find((t) => score >= t.minScore) ?? policy.tiers[policy.tiers.length - 1]!;
}

/** The model's policy (the inventory's `policy` section, validated and located by the loader) over the defaults. */
export function policyOf(model: Pick<Model, 'policy'>): Policy {
  return resolvePolicy(model.policy);
}
