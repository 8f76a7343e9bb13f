// PlumbError lives in base.ts so that area files (transport.ts, …) can extend it while this file re-exports
// them: an ES module cycle through a class defined here would hit its temporal dead zone.
import { PlumbError } from './base.js';
export { PlumbError };

/** The desired state does not validate; `data.problems` holds every problem found. */
export class InvalidDesiredState extends PlumbError {
  constructor(count: number, data: Record<string, unknown>) {
    super('E_INVALID', `the desired state has ${count} problem${count === 1 ? '' : 's'}`, {
      hint: 'run `plumb validate` to see them all with their file and line',
      data,
    });
  }
}

/** A git ref, commit or repository could not be read. */
export class GitReadError extends PlumbError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super('E_GIT', message, { hint, cause });
  }
}

/** A command-line argument or option is wrong. */
export class UsageError extends PlumbError {
  constructor(message: string, hint?: string) {
    super('E_USAGE', message, { hint });
  }
}

/** A named object (host, system, remediation …) does not exist in the desired state. */
export class UnknownObject extends PlumbError {
  constructor(kind: string, name: string, known: string[] = []) {
    const close = known.filter((k) => k.startsWith(name.slice(0, 2))).slice(0, 5);
    super('E_UNKNOWN_OBJECT', `no ${kind} named '${name}'`, {
      hint: close.length ? `did you mean: ${close.join(', ')}?` : `list them with \`plumb inventory list\``,
      data: { kind, name },
    });
  }
}
export * from './transport.js';
export * from './versioning.js';
export * from './apply.js';
export * from './lab.js';
export * from './advisories.js';
export * from './ledger.js';
export * from './vulns.js';
export * from './metrics.js';
export * from './security.js';
export * from './scap.js';
export * from './rebuild.js';
