import { PlumbError } from './base.js';

/** Failures of `plumb vulns`, `plumb propose` and the inventory views: reading the mirror, writing a proposal. */

/** The internal mirror's index could not be fetched (network, HTTP status, size). */
export class MirrorUnreachable extends PlumbError {
  constructor(url: string, reason: string, cause?: unknown) {
    super('E_MIRROR_FETCH', `cannot read the mirror index ${url}: ${reason}`, {
      hint: 'check policy.mirrors and the network; `--no-mirror` reports without saying whether fixes are on the mirror',
      cause,
      data: { url, reason },
    });
  }
}

/**
 * The mirror's index is not what its signing key vouches for: a bad or missing signature, a file whose sha256 or size
 * differs from the signed Release, a Release for another suite, or one past its Valid-Until. Nothing from it is used.
 */
export class MirrorUntrusted extends PlumbError {
  constructor(url: string, reason: string, hint?: string) {
    super('E_MIRROR_UNTRUSTED', `refusing the mirror index ${url}: ${reason}`, {
      hint: hint ?? 'the index may have been tampered with or be half-synced; check the mirror, and that policy.mirrors names its real signing key',
      data: { url, reason },
    });
  }
}

/** A proposal that would not validate: a bug in propose, refused before anything is written. */
export class ProposalInvalid extends PlumbError {
  constructor(count: number, data: Record<string, unknown>) {
    super('E_PROPOSAL_INVALID', `the proposed remediations would not validate (${count} problem${count === 1 ? '' : 's'}); nothing was written`, {
      hint: 'this is a bug in plumb propose; please report it with the output of `plumb propose --dry-run`',
      data,
    });
  }
}

/** The proposal branch kept moving while propose wrote to it. */
export class ProposalBranchBusy extends PlumbError {
  constructor(branch: string) {
    super('E_PROPOSAL_BRANCH', `the branch ${branch} changed while plumb propose wrote to it; nothing was written`, {
      hint: 'run plumb propose again',
      data: { branch },
    });
  }
}
