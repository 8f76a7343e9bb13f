/**
 * Every failure the engine reports on purpose is a PlumbError with a stable `code`.
 * Tests assert codes, never message text; the CLI catches once and maps `exitCode`.
 * Messages are written for the person at the terminal: what is wrong, and a `hint` on how to fix it.
 */
export class PlumbError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: string, message: string, opts: { hint?: string; exitCode?: number; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = opts.exitCode ?? 1;
    this.hint = opts.hint;
    this.data = opts.data;
  }
}
