import { PlumbError } from './base.js';

/**
 * Failures of importing, storing, matching and prioritizing advisories. A malformed record is not one of these:
 * it is a located Problem, reported with the others while the rest of the import goes on.
 */

/** The file, directory or URL to import cannot be read at all. */
export class AdvisoryInputUnreadable extends PlumbError {
  constructor(input: string, reason: string, hint?: string, cause?: unknown) {
    super('E_ADVISORY_INPUT', `cannot read ${input}: ${reason}`, { hint, cause, data: { input, reason } });
  }
}

/** An HTTP(S) fetch failed: network, timeout, a non-2xx/304 status, or a body over the size limit. */
export class AdvisoryFetchFailed extends PlumbError {
  constructor(url: string, reason: string, opts: { status?: number; hint?: string; cause?: unknown } = {}) {
    super('E_ADVISORY_FETCH', `fetching ${url} failed: ${reason}`, {
      hint: opts.hint ?? 'check the URL and the network; a scheduled run retries the next time',
      cause: opts.cause,
      data: { url, reason, status: opts.status },
    });
  }
}

/** A file in the advisories/ store is not a stored advisory (hand-edited, truncated, merge conflict markers …). */
export class AdvisoryStoreCorrupt extends PlumbError {
  constructor(file: string, reason: string) {
    super('E_ADVISORY_STORE', `advisory store file ${file} is unreadable: ${reason}`, {
      hint: 'restore it from git (`git checkout -- <file>`) or delete it and import the advisory again',
      data: { file, reason },
    });
  }
}

/** No stored advisory has this id (or alias). */
export class UnknownAdvisory extends PlumbError {
  constructor(id: string, close: string[] = []) {
    super('E_UNKNOWN_ADVISORY', `no advisory '${id}' in the store`, {
      hint: close.length ? `did you mean: ${close.join(', ')}?` : 'list them with `plumb advisories list`, or import it first',
      data: { id },
    });
  }
}

/** The known-exploited catalog (CISA KEV JSON) named by the policy is missing or malformed. */
export class KevCatalogInvalid extends PlumbError {
  constructor(file: string, reason: string) {
    super('E_KEV_CATALOG', `known-exploited catalog ${file} is unusable: ${reason}`, {
      hint: 'download it from https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json or fix policy.kev_catalog',
      data: { file, reason },
    });
  }
}
