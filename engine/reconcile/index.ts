/**
 * The reconcile engine: the write path of `plumb apply` and `plumb reconcile` as a module, with output,
 * confirmation and stop requests as ports (README.md).
 */
export { reconcile, type ReconcileOptions, type ReconcilePorts, type ReconcileOutput, type ReconcileResult } from './flow.js';
export { executePlan, runStart, type ExecuteOptions, type LedgerPort, type RunEvent, type RunJournal } from './execute.js';
export { RingCoordinator, type Step, type CoordinatorOptions } from './coordinator.js';
export { RunLease, readLease, leaseState, LEASE_TTL_MS, type LeaseDoc } from '../ledger/lease.js';
export { checkClocks, DEFAULT_MAX_SKEW_MS } from './clock.js';
export { settleEarlier, openOutcomes } from './settle-earlier.js';
export { StopState } from '../apply/stop.js';
