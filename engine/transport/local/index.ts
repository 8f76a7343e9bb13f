import { spawn } from 'node:child_process';
import { constants as osConstants, userInfo } from 'node:os';
import { CommandTimeout } from '../../errors/index.js';
import type { HostEntry } from '../../model/types.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_MAX_OUTPUT_BYTES } from '../defaults.js';
import { OutputCollector } from '../output.js';
import type { ConnectOptions, ExecOptions, ExecResult, Transport } from '../index.js';
import { checkSudo, needsSudo, summarize, withSudo } from '../privilege.js';

/**
 * The control machine itself (`transport: local`): the same contract as SSH, with commands run by /bin/sh as
 * the remote login shell would run them. Privileged commands use sudo when plumb does not run as root.
 */
export async function openLocal(host: HostEntry, opts: ConnectOptions = {}): Promise<Transport> {
  const user = userInfo().username;
  return new LocalTransport(host.name, { sudo: needsSudo(user, host.sudo), user, commandTimeoutMs: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS });
}

interface LocalOptions {
  sudo: boolean;
  user: string;
  commandTimeoutMs: number;
}

class LocalTransport implements Transport {
  constructor(
    readonly host: string,
    private readonly opts: LocalOptions,
  ) {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const privileged = opts.privileged === true && this.opts.sudo;
    const result = await this.run(privileged ? withSudo(command) : command, command, opts);
    return privileged ? checkSudo(this.host, this.opts.user, result) : result;
  }

  private run(line: string, shown: string, opts: ExecOptions): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? this.opts.commandTimeoutMs;
    return new Promise((resolve, reject) => {
      // A process group of its own, so that a timeout kills the command's children too.
      const child = spawn('/bin/sh', ['-c', line], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const collected = new OutputCollector(this.host, summarize(shown), opts, DEFAULT_MAX_OUTPUT_BYTES);
      let timedOut = false;
      const kill = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, timeoutMs);
      child.stdout.on('data', (d: Buffer) => {
        const r = collected.stdout(d);
        if (r.fail) {
          clearTimeout(timer);
          kill();
          reject(r.fail);
        } else if (r.wait) {
          child.stdout.pause();
          void r.wait.finally(() => child.stdout.resume());
        }
      });
      child.stderr.on('data', (d: Buffer) => collected.stderr(d));
      child.stdin.on('error', () => {
        /* the command may exit without reading its input */
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (collected.failed) return;
        if (timedOut) return reject(new CommandTimeout(this.host, timeoutMs, summarize(shown)));
        const c = code ?? 128 + (signal ? ((osConstants.signals as Record<string, number>)[signal] ?? 0) : 0);
        resolve(collected.result(c));
      });
      child.stdin.end(opts.stdin ?? '');
    });
  }

  async close(): Promise<void> {}
}
