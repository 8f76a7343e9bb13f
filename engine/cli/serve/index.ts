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

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('a read-only HTTP API, live dashboard, Prometheus metrics and network admission checks')
    .option('--config <file>', 'the server configuration: tokens (hashed), TLS, limits (engine/serve/README.md)')
    .option('--listen <address:port>', 'where to listen (default 127.0.0.1:8443, or the configuration\'s listen)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--client-ca <file>', 'mutual TLS: only clients with a certificate from this CA may connect')
    .option('--ref <ref>', 'the desired state to serve: a branch, tag or commit', 'HEAD')
    .option('--facts <file>', "serve this facts snapshot instead of the reconciler's newest facts (.plumb/facts/latest.json)")
    .addHelpText(
      'after',
      `
Serves, read-only, from the desired state at --ref, the newest facts (what plumb reconcile keeps in
.plumb/facts/latest.json, or --facts), the ledger and the advisory store; it checks them every few
seconds and rebuilds when one changed. Every route is a GET and needs a bearer token, except the probes:
  GET /v1/admission/{name|address|MAC}   admit / quarantine / deny with the reasons (?format=freeradius
                                         for FreeRADIUS's rest module: examples/freeradius/)
  GET /v1/hosts, /v1/hosts/{name}        findings, vulnerabilities, last run, age of the facts
  GET /metrics                           the SP 800-40 metrics in the Prometheus text format
  GET /, /hosts/{name}                   the HTML report as a live dashboard (reloads every minute)
  GET /healthz, /readyz                  liveness, and whether a state is loaded (no token)
Token scopes: admission (verdicts of any host), read (everything), read:system:NAME (one system only:
other systems' hosts are "not found" and their names are redacted, as plumb report --system does).
Make a token with \`plumb serve token\`; the configuration keeps only its SHA-256.

Exit codes: 1 when the server cannot start (bad configuration, invalid desired state, port in use);
it runs until stopped with SIGINT or SIGTERM, then exits 0.

Examples:
  plumb serve token --name radius --scope admission --expires 2027-06-30 >> /etc/plumbline/serve.yaml
  plumb -C /var/lib/plumbline/state serve --config /etc/plumbline/serve.yaml --ref main \\
      --listen 0.0.0.0:8443 --tls-cert /etc/plumbline/serve.crt --tls-key /etc/plumbline/serve.key
  curl -H "Authorization: Bearer $TOKEN" https://plumb.example.org:8443/v1/admission/52:54:00:12:34:56`,
    )
    .action(async (opts: ServeOptions, cmd: Command) => {
      const { repo } = globals(cmd);
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
          served.stop();
          void app.close().then(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      log('stopped');
    });

  serve
    .command('token')
    .description('make a bearer token for plumb serve: prints the token once, and the entry for the configuration')
    .requiredOption('--name <name>', 'who holds it (shows in logs and rate limits)')
    .requiredOption('--scope <scope...>', 'admission, read, or read:system:NAME')
    .option('--expires <date>', 'refuse it after this date or date-time')
    .addHelpText(
      'after',
      `
The token goes to stderr (hand it to whoever will use it; it is not stored anywhere); the YAML entry with
its SHA-256 goes to stdout, ready to append to the tokens: list of the server's configuration.

Examples:
  plumb serve token --name radius --scope admission --expires 2027-06-30
  plumb serve token --name payroll-owner --scope read:system:payroll`,
    )
    .action((opts: { name: string; scope: string[]; expires?: string }) => {
      const entry = `  - name: ${opts.name}\n    sha256: ${'a'.repeat(64)}\n    scopes: [${opts.scope.join(', ')}]\n${opts.expires ? `    expires: ${opts.expires}\n` : ''}`;
      parseServeConfig('(the new token)', `tokens:\n${entry}`); // refuses a bad name, scope or date before anything is printed
      const token = newToken();
      process.stderr.write(`token (shown once): ${token}\n`);
      process.stdout.write(entry.replace('a'.repeat(64), hashToken(token)));
    });
}
