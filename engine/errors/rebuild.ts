import { PlumbError } from './base.js';

/** plumb rebuild refused or could not finish: the quarantine stays (SP 800-40 4.4). */
export class RebuildError extends PlumbError {
  constructor(code: 'E_NOT_QUARANTINED' | 'E_REBUILD_SAME_KEY' | 'E_REBUILD_KEY' | 'E_REBUILD_UNVERIFIED' | 'E_REBUILD_LAB', message: string, hint: string, data: Record<string, unknown> = {}) {
    super(code, message, { hint, data });
  }
}
