import { PlumbError } from './base.js';

/** A saved plan no longer describes the world: the desired state or a host's facts moved since it was made. */
export class StalePlan extends PlumbError {
  constructor(reasons: string[]) {
    super('E_PLAN_STALE', `the plan is stale: ${reasons.join('; ')}`, {
      hint: 'make a new plan with `plumb plan --out plan.json`, review it, and apply that',
      data: { reasons },
    });
  }
}

/** One action failed on a host; the host's remaining actions are skipped and its files restored. */
export class ActionFailed extends PlumbError {
  constructor(host: string, action: string, detail: string) {
    super('E_ACTION_FAILED', `${host}: ${action} failed: ${detail}`, { data: { host, action } });
  }
}

/** A remediation's local patch artifact does not match its recorded sha256: the remediation is refused everywhere. */
export class ArtifactMismatch extends PlumbError {
  constructor(remediation: string, path: string, want: string, got: string | null, refused?: string) {
    super('E_ARTIFACT_MISMATCH', `remediation ${remediation}: artifact ${path} ${refused ? `is refused: ${refused}` : got ? `has sha256 ${got.slice(0, 16)}…, expected ${want.slice(0, 16)}…` : 'is missing'}`, {
      hint: 'never install a patch whose checksum does not match: fetch it again from the vendor and compare, or fix the recorded sha256 in a reviewed commit',
      data: { remediation, path },
    });
  }
}

/** Another reconcile or apply holds the state directory's lease. */
export class RunLocked extends PlumbError {
  constructor(path: string, holder?: { owner: { pid: number; hostname: string }; purpose: string; run?: string; acquiredAt: string; renewedAt: string; expiresAt: string }) {
    const who = holder ? `pid ${holder.owner.pid} on ${holder.owner.hostname}, ${holder.purpose}${holder.run ? ` run ${holder.run}` : ''}, since ${holder.acquiredAt}, last heartbeat ${holder.renewedAt}` : 'unknown';
    super('E_LOCKED', `another plumb run is acting on this repository (${who})`, {
      hint: `wait for it to finish; a lease whose process is gone is taken over automatically, one held from another machine once it expires (${holder?.expiresAt ?? 'see'} ${path})`,
      data: { path, pid: holder?.owner.pid, hostname: holder?.owner.hostname, run: holder?.run, expiresAt: holder?.expiresAt },
    });
  }
}

/** A change needs an explicit yes and none can be asked for. */
export class ConfirmationRequired extends PlumbError {
  constructor() {
    super('E_CONFIRM', 'applying changes needs confirmation', { hint: 'run in a terminal to be asked, or pass --yes (for schedulers and scripts)' });
  }
}

/** A run or host named on the command line is not in the ledger. */
export class NotInLedger extends PlumbError {
  constructor(what: string) {
    super('E_NOT_IN_LEDGER', `${what} is not in the ledger`, { hint: 'list runs with `plumb history`' });
  }
}
