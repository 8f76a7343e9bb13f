import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { RateLimiter, TokenBook, type Principal } from './auth.js';
import type { ServeConfig } from './config.js';
import type { ViewRequest } from './answers.js';
import { safeJson } from './escape.js';
import { radiusReply } from './radius.js';
import type { Served } from './served.js';

/**
 * plumb serve's HTTP surface (fastify): read-only, every route a GET (HEAD too), authenticated by bearer token
 * except /healthz and /readyz. What a principal may see is decided here, once per request: `admission` gets
 * verdicts, `read` everything, `read:system:S` only system S — other systems' hosts answer 404 exactly like
 * hosts that do not exist, and free text is redacted as in `plumb report --system`.
 */

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Inventory names, addresses and MACs: nothing else can name a host, so nothing else reaches a lookup. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/;
/** How often Node looks for requests past their timeouts (its default, 30 s, would let a slow request outlive them). */
const CHECK_INTERVAL_MS = 1000;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface ServerOptions {
  config: ServeConfig;
  served: Served;
  now?: () => Date;
}

export function createServer(o: ServerOptions): FastifyInstance {
  const { config, served } = o;
  const now = o.now ?? (() => new Date());
  const tls = config.tls
    ? {
        https: {
          cert: readFileSync(config.tls.cert),
          key: readFileSync(config.tls.key),
          maxHeaderSize: config.limits.maxHeaderBytes,
          connectionsCheckingInterval: CHECK_INTERVAL_MS,
          ...(config.tls.clientCa ? { ca: readFileSync(config.tls.clientCa), requestCert: true, rejectUnauthorized: true } : {}),
        },
      }
    : { http: { maxHeaderSize: config.limits.maxHeaderBytes, connectionsCheckingInterval: CHECK_INTERVAL_MS } };
  const app = Fastify({
    ...tls,
    logger: false,
    bodyLimit: 1024,
    routerOptions: { maxParamLength: 256 },
    requestTimeout: config.limits.requestTimeoutMs,
    // An idle connection is closed after a minute; a slow request is cut by requestTimeout and headersTimeout.
    connectionTimeout: 60_000,
    keepAliveTimeout: 5000,
    return503OnClosing: true,
    // A bad request is answered in the same shape as everything else, never with the parser's words.
    frameworkErrors: (_e: unknown, _req: unknown, reply: FastifyReply) => void fail(reply, 400, 'bad request'),
    // Requests the HTTP parser refuses (too large a head, too slow, malformed): a status and our small body, then the
    // connection ends gracefully, so the client reads the answer instead of a reset.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: import('node:net').Socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, word, error] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'request too large'] : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'request timeout'] : [400, 'Bad Request', 'bad request'];
      const body = `{"error":"${error}"}`;
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${word}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
      else socket.destroy();
    },
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  app.server.headersTimeout = Math.min(5000, config.limits.requestTimeoutMs);

  const tokens = new TokenBook(config.tokens);
  const perToken = new RateLimiter(config.limits.rate, config.limits.burst);
  const failures = new RateLimiter(config.limits.failedAuthRate, config.limits.failedAuthBurst);

  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer').header('x-frame-options', 'DENY').header('content-security-policy', CSP);
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(reply.header('allow', 'GET, HEAD'), 405, 'method not allowed');
    const path = req.url.split('?')[0];
    if (path === '/healthz' || path === '/readyz') return;
    const t = Date.now();
    if (!failures.allows(req.ip, t)) return fail(reply.header('retry-after', '1'), 429, 'too many requests');
    const auth = tokens.check(req.headers.authorization, now().getTime());
    if (!auth.ok) {
      failures.take(req.ip, t);
      reply.header('www-authenticate', auth.error === 'missing' ? 'Bearer realm="plumb"' : `Bearer realm="plumb", error="invalid_token", error_description="${auth.error === 'expired' ? 'the token expired' : 'the token is not valid'}"`);
      return fail(reply, 401, 'unauthorized');
    }
    if (!perToken.take(auth.principal.name, t)) return fail(reply.header('retry-after', '1'), 429, 'too many requests');
    req.principal = auth.principal;
    if (!served.table) return fail(reply.header('retry-after', '5'), 503, 'not ready');
  });
  app.setNotFoundHandler((_req, reply) => fail(reply, 404, 'not found'));
  // Nothing of an internal error reaches the client; the server's own log has it.
  app.setErrorHandler((e, _req, reply) => {
    const status = (e as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return fail(reply, status, status === 413 ? 'request too large' : status === 408 ? 'request timeout' : 'bad request');
    process.stderr.write(`plumb serve: internal error: ${(e as Error).message}\n`);
    return fail(reply, 500, 'internal error');
  });

  app.get('/healthz', async (_req, reply) => json(reply, 200, { status: 'ok' }));
  app.get('/readyz', async (_req, reply) => (served.table ? json(reply, 200, { status: 'ready' }) : json(reply.header('retry-after', '5'), 503, { status: 'not ready' })));

  /** The host a principal asks about, when it may see it; undefined answers 404 either way (no existence oracle). */
  const visible = (p: Principal, id: string, need: 'read' | 'admission'): string | undefined => {
    if (!IDENTIFIER.test(id)) return undefined;
    const table = served.table!;
    const name = table.lookup.find(id);
    if (!name) return undefined;
    if (need === 'admission' && p.admission) return name;
    if (p.read === 'all') return name;
    if (p.read && table.system(name) === p.read.system) return name;
    return undefined;
  };
  const scopeOf = (p: Principal) => (p.read && p.read !== 'all' ? p.read.system : undefined);
  const reading = (req: FastifyRequest, reply: FastifyReply) => (req.principal!.read ? true : (fail(reply, 403, 'forbidden'), false));
  /** A view rendered on the worker thread, for everything or for the principal's one system. */
  const view = async (reply: FastifyReply, req: ViewRequest) => {
    const a = await served.view(req);
    return reply.code(a.status).type(a.type).send(a.body);
  };

  app.get<{ Params: { id: string }; Querystring: { format?: string } }>('/v1/admission/:id', async (req, reply) => {
    const p = req.principal!;
    if (!p.admission && !p.read) return fail(reply, 403, 'forbidden');
    const format = req.query.format;
    if (format !== undefined && format !== 'freeradius') return fail(reply, 400, 'bad request');
    const name = visible(p, req.params.id, 'admission');
    if (!name) return format ? reply.code(404).type('application/json; charset=utf-8').send(safeJson(radiusReply(null))) : fail(reply, 404, 'not found');
    const table = served.table!;
    const decision = table.decide(name, now())!;
    if (format) return reply.code(200).type('application/json; charset=utf-8').send(safeJson(radiusReply(decision)));
    const system = scopeOf(p);
    const text = safeJson({ ...decision, commit: table.data.commit });
    return reply.code(200).type('application/json; charset=utf-8').send(system ? table.redact(system)(text) : text);
  });
  app.get('/v1/hosts', async (req, reply) => (reading(req, reply) ? view(reply, { kind: 'hosts', system: scopeOf(req.principal!) }) : reply));
  app.get<{ Params: { name: string } }>('/v1/hosts/:name', async (req, reply) => {
    if (!reading(req, reply)) return reply;
    const name = visible(req.principal!, req.params.name, 'read');
    if (!name || name !== req.params.name) return fail(reply, 404, 'not found');
    return view(reply, { kind: 'host', name, system: scopeOf(req.principal!) });
  });
  app.get('/metrics', async (req, reply) => (reading(req, reply) ? view(reply, { kind: 'metrics', system: scopeOf(req.principal!) }) : reply));
  for (const path of ['/', '/index.html']) app.get(path, async (req, reply) => (reading(req, reply) ? view(reply, { kind: 'index', system: scopeOf(req.principal!) }) : reply));
  app.get<{ Params: { page: string } }>('/hosts/:page', async (req, reply) => {
    if (!reading(req, reply)) return reply;
    const id = req.params.page.replace(/\.html$/, '');
    const name = visible(req.principal!, id, 'read');
    if (!name || name !== id) return fail(reply, 404, 'not found');
    return view(reply, { kind: 'page', name, system: scopeOf(req.principal!) });
  });
  return app;
}

/** Every refusal has the same small body: a status word, never the request, a path or a stack. */
function fail(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(`{"error":"${error}"}`);
}

function json(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(safeJson(value));
}
