import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { CLI } from '../metrics/fixture-repo.js';

/** The built `plumb serve` as a real process on a loopback port of its choosing; stopped with SIGTERM. */
export class ServeProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly log: () => string,
  ) {}

  static async start(repo: string, args: string[], timeoutMs = 120_000): Promise<ServeProcess> {
    const child = spawn(process.execPath, [CLI, '-C', repo, 'serve', '--listen', '127.0.0.1:0', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`plumb serve did not start:\n${err}`)), timeoutMs);
      const check = () => {
        const m = /listening on (https?:\/\/[^\s]+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stderr!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`plumb serve exited ${code}:\n${err}`));
      });
    });
    return new ServeProcess(child, url, () => err);
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** A GET (or any method) with the path sent exactly as written: no client-side normalising of `..` or escapes. */
  raw(path: string, opts: { token?: string; method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ agent: false, host: '127.0.0.1', port: this.port, path, method: opts.method ?? 'GET', headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.headers ?? {}) } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      if (opts.body) req.write(opts.body);
      req.end();
    });
  }

  /** Opens a connection, sends `head` and then nothing: what the server answers, and after how long, or '' when it only closes. */
  slow(head: string): Promise<{ answer: string; ms: number }> {
    return new Promise((resolve) => {
      const t = Date.now();
      const s = connect(this.port, '127.0.0.1', () => s.write(head));
      let answer = '';
      s.setEncoding('utf8').on('data', (d: string) => (answer += d));
      s.on('close', () => resolve({ answer, ms: Date.now() - t }));
      s.on('error', () => undefined);
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const done = new Promise<number | null>((r) => this.child.once('exit', (c) => r(c)));
    this.child.kill('SIGTERM');
    return done;
  }
}
