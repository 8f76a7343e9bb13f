import type { Command } from 'commander';
import { lazy } from '../lazy.js';

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
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
    .action(lazy(() => import('./action.js'), 'serveAction'));

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
    .action(lazy(() => import('./action.js'), 'tokenAction'));
}
