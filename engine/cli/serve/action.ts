import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { UsageError } from '../../errors/index.js';
import { hashToken, newToken } from '../../serve/auth.js';
import { parseListen, parseServeConfig, readServeConfig } from '../../serve/config.js';
import { Served } from '../../serve/served.js';
import { createServer } from '../../serve/server.js';
import { globals } from '../program.js';

interface ServeOptions {
  config?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  ref: string;
  facts?: string;
}

export async function serveAction(opts: ServeOptions, cmd: Command) {
  const { repo } = globals(cmd);
  // A server allocates small, short-lived objects per request over a large, long-lived state: a bigger young
  // generation lets them die there instead of being promoted and swept with the state (measured: bench:serve).
  setFlagsFromString('--max-semi-space-size=32');
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
  if (opts.clientCa && !opts.tlsCert) throw new UsageError('--client-ca needs --tls-cert and --tls-key: mutual TLS is TLS first');
  const config = opts.config ? readServeConfig(opts.config) : parseServeConfig('(defaults)', undefined);
  if (opts.listen) config.listen = parseListen(opts.listen);
  if (opts.tlsCert) config.tls = { cert: opts.tlsCert, key: opts.tlsKey!, ...(opts.clientCa ? { clientCa: opts.clientCa } : {}) };
  if (!config.tokens.length) process.stderr.write('plumb serve: warning: no tokens are configured: every request but /healthz and /readyz will be refused (plumb serve token makes one)\n');
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} plumb serve: ${line}\n`);
  const served = new Served({ repo, ref: opts.ref, facts: opts.facts }, { refreshMs: config.refreshMs, rebuildMs: config.rebuildMs, log });
  await served.start();
  const app = createServer({ config, served });
  const address = await app.listen({ host: config.listen.host, port: config.listen.port });
  log(`listening on ${address}${config.tls?.clientCa ? ' (mutual TLS)' : ''}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      void app
        .close()
        .then(() => served.stop())
        .then(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log('stopped');
}

export function tokenAction(opts: { name: string; scope: string[]; expires?: string }) {
  const entry = `  - name: ${opts.name}\n    sha256: ${'a'.repeat(64)}\n    scopes: [${opts.scope.join(', ')}]\n${opts.expires ? `    expires: ${opts.expires}\n` : ''}`;
  parseServeConfig('(the new token)', `tokens:\n${entry}`); // refuses a bad name, scope or date before anything is printed
  const token = newToken();
  process.stderr.write(`token (shown once): ${token}\n`);
  process.stdout.write(entry.replace('a'.repeat(64), hashToken(token)));
}

