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
