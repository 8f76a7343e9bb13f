/** Prioritization (SP 800-40 2.4): policy from the inventory, a known-exploited catalog, and the ordered work list. */
export { DEFAULT_POLICY, parseDuration, resolvePolicy, tierOf, type Policy, type Tier } from './policy.js';
export { loadPolicy, policyFromSnapshot } from './policy-load.js';
export { loadKev, parseKev, type KevCatalog, type KevEntry } from './kev.js';
export { prioritize, type HostMatches, type PrioritizeInput, type Reason, type WorkItem, type WorkList } from './worklist.js';
