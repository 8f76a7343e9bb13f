import { PlumbError } from './base.js';

/** Failures of `plumb metrics` and `plumb report`. */

/** The inventory's program, targets or perimeter section does not validate; `data.problems` holds every problem. */
export class ProgramInvalid extends PlumbError {
  constructor(count: number, data: Record<string, unknown>) {
    super('E_PROGRAM_INVALID', `the program settings (program, targets, perimeter) have ${count} problem${count === 1 ? '' : 's'}`, {
      hint: 'run `plumb validate` to see them with their file and line',
      data,
    });
  }
}

/** --from / --to are not dates, or the period is empty. */
export class InvalidPeriod extends PlumbError {
  constructor(message: string) {
    super('E_PERIOD', message, { hint: 'give dates (2026-11-01) or date-times (2026-11-01T08:00:00Z), --from before --to', data: {} });
  }
}

/** The report's output folder cannot be used: not a folder, or it holds files that are not an earlier report. */
export class ReportOutputRefused extends PlumbError {
  constructor(dir: string, reason: string) {
    super('E_REPORT_OUT', `cannot write the report to ${dir}: ${reason}`, {
      hint: 'choose an empty or new folder, or the folder of an earlier `plumb report` (it is replaced)',
      data: { dir, reason },
    });
  }
}

/** An output file could not be written. */
export class OutputWriteFailed extends PlumbError {
  constructor(path: string, reason: string, cause?: unknown) {
    super('E_OUTPUT', `cannot write ${path}: ${reason}`, { hint: 'check that the folder exists and is writable', data: { path, reason }, cause });
  }
}
