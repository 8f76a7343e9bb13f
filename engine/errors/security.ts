import { PlumbError } from './base.js';

/**
 * Refusals that protect the fleet from a hostile host, a hostile local user on one, or a tampered input: each names
 * what was refused and why, and nothing was changed because of it.
 */

/** A path on a host could not be changed safely: a symbolic link, a directory someone else can change, … */
export class UnsafePath extends PlumbError {
  constructor(host: string, path: string, reason: string) {
    super('E_UNSAFE_PATH', `${host}: refused to touch ${path}: ${reason}`, {
      hint: 'nothing was changed; look at the host: a link or a writable directory where plumb writes can be an attack',
      data: { host, path, reason },
    });
  }
}

/** A host sent facts that do not parse as what they claim to be: that host fails, named; the others go on. */
export class FactsInvalid extends PlumbError {
  constructor(host: string, detail: string) {
    super('E_FACTS_INVALID', `facts from '${host}' cannot be used: ${detail}`, {
      hint: 'nothing is planned for this host; look at it: a tool that prints what dpkg never would can be a compromised host',
      data: { host, detail },
    });
  }
}

/** A host's output went over the cap: that host fails, and its output is dropped as it arrives. */
export class OutputTooLarge extends PlumbError {
  constructor(host: string, what: string, limit: number) {
    super('E_OUTPUT_TOO_LARGE', `${host}: ${what} sent more than ${formatBytes(limit)}; the host was given up`, {
      hint: `a real host sends far less; raise the cap (PLUMB_GATHER_MAX_BYTES) only if this host really needs it`,
      data: { host, limit },
    });
  }
}

export function formatBytes(n: number): string {
  return n >= 2 ** 20 ? `${Math.round((n / 2 ** 20) * 10) / 10} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/** A saved plan differs from the plan apply would run now: refused, with what differs. */
export class PlanMismatch extends PlumbError {
  constructor(path: string, differences: string[]) {
    super('E_PLAN_DIFFERS', `the saved plan ${path} differs from the plan for the same commit and facts: ${differences.slice(0, 5).join('; ')}${differences.length > 5 ? `; and ${differences.length - 5} more` : ''}`, {
      hint: 'nothing was changed; a saved plan is only run as it was reviewed: make a new one with `plumb plan --out plan.json`, review it, and apply that',
      data: { path, differences },
    });
  }
}

/** A compromised (quarantined) host is changed only by its rebuild (SP 800-40 4.4): not rolled back, not patched. */
export class HostQuarantined extends PlumbError {
  constructor(host: string, since: string, ticket?: string) {
    super('E_HOST_QUARANTINED', `host '${host}' is quarantined (marked compromised since ${since}${ticket ? `, ${ticket}` : ''}): nothing but its rebuild changes it`, {
      hint: `rebuild it from the standard image: plumb rebuild ${host}`,
      data: { host },
    });
  }
}
