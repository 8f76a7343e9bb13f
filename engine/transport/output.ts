import { OutputTooLarge } from '../errors/index.js';
import { MAX_STDERR_BYTES } from './defaults.js';
import type { ExecOptions } from './index.js';

/**
 * A command's output as it arrives, bounded: standard output up to `maxOutputBytes` (more gives the host up with
 * OutputTooLarge, and the caller kills the command), standard error up to MAX_STDERR_BYTES (the rest dropped), and
 * `onOutput` may hold the stream while memory is short (the caller pauses it: SSH's window then stops the host).
 * What a host sends can never grow plumb's memory past the cap, however much it sends.
 */
export class OutputCollector {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private outBytes = 0;
  private errBytes = 0;
  failed: OutputTooLarge | undefined;

  constructor(
    private readonly host: string,
    private readonly shown: string,
    private readonly opts: Pick<ExecOptions, 'maxOutputBytes' | 'onOutput'>,
    private readonly defaultMax: number,
  ) {}

  /** Takes a chunk of standard output; returns a promise to wait for before reading more, or the failure to act on. */
  stdout(d: Buffer): { wait?: Promise<void>; fail?: OutputTooLarge } {
    if (this.failed) return {};
    this.outBytes += d.length;
    const max = this.opts.maxOutputBytes ?? this.defaultMax;
    if (this.outBytes > max) {
      this.out.length = 0;
      this.failed = new OutputTooLarge(this.host, this.shown, max);
      return { fail: this.failed };
    }
    this.out.push(d);
    const wait = this.opts.onOutput?.(this.outBytes);
    return wait ? { wait } : {};
  }

  stderr(d: Buffer): void {
    if (this.errBytes >= MAX_STDERR_BYTES) return;
    const keep = d.subarray(0, MAX_STDERR_BYTES - this.errBytes);
    this.errBytes += keep.length;
    this.err.push(keep);
  }

  result(code: number): { code: number; stdout: Buffer; stderr: Buffer } {
    const stdout = Buffer.concat(this.out);
    this.out.length = 0;
    return { code, stdout, stderr: Buffer.concat(this.err) };
  }
}
