/** Prioritization (SP 800-40 2.4): policy from the inventory, a known-exploited catalog, and the ordered work list. */
export { DEFAULT_POLICY, parseDuration, policyOf, resolvePolicy, tierOf, type Mirror, type Policy, type Tier } from './policy.js';
export { loadKev, loadKevAt, parseKev, type KevCatalog, type KevEntry } from './kev.js';
export { basisOf, groupByVulnerability, itemOf, itemOrder, prioritize, priorityOf, type HostMatches, type Priority, type PriorityBasis, type PrioritizeInput, type Reason, type WorkItem, type WorkList } from './worklist.js';
