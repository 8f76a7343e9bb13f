import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { PlumbError } from '../errors/index.js';
import type { Problem } from '../model/problem.js';
import { endOf } from '../model/rules/expiry.js';
import { explain } from '../model/validate.js';
import { parseYaml } from '../model/yaml.js';
import { parseDuration } from '../prioritize/policy.js';

/** plumb serve's configuration, defaults filled in (schema: config.schema.json beside this file). */
export interface ServeConfig {
  listen: { host: string; port: number };
  tls?: { cert: string; key: string; clientCa?: string };
  tokens: TokenEntry[];
  limits: { rate: number; burst: number; failedAuthRate: number; failedAuthBurst: number; requestTimeoutMs: number; maxHeaderBytes: number };
  refreshMs: number;
  rebuildMs: number;
}

export interface TokenEntry {
  name: string;
  sha256: string;
  scopes: string[];
  /** Epoch ms after which the token is refused; absent: never. */
  expiresAt?: number;
}

export class ServeConfigInvalid extends PlumbError {
  constructor(file: string, problems: Problem[]) {
    super('E_SERVE_CONFIG', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the server configuration:\n${problems.map((p) => `  ${p.file}:${p.line}:${p.col}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n')}`, { data: { problems } });
  }
}

let validator: ValidateFunction | undefined;

export function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):([0-9]{1,5})$/.exec(s);
  const port = Number(m?.[3]);
  if (!m || !(port >= 0 && port <= 65535)) throw new PlumbError('E_USAGE', `--listen '${s}' is not ADDRESS:PORT`, { hint: 'for example --listen 127.0.0.1:8443 or --listen [::1]:8443' });
  return { host: m[1] ?? m[2]!, port };
}

/** Parses and checks the configuration text; every problem is located (file:line:col). No file: the defaults, no tokens. */
export function parseServeConfig(file: string, text: string | undefined): ServeConfig {
  let doc: Record<string, any> = {};
  if (text !== undefined) {
    const parsed = parseYaml(file, Buffer.from(text, 'utf8'));
    if (!parsed.ok) throw new ServeConfigInvalid(file, parsed.problems);
    validator ??= new Ajv({ allErrors: true, strict: true, verbose: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(new URL('./config.schema.json', import.meta.url), 'utf8')));
    if (!validator(parsed.doc.value ?? {})) throw new ServeConfigInvalid(file, explain(validator.errors ?? [], parsed.doc));
    doc = (parsed.doc.value ?? {}) as Record<string, any>;
    const problems: Problem[] = [];
    const names = new Set<string>();
    const hashes = new Set<string>();
    (doc.tokens ?? []).forEach((t: { name: string; sha256: string; scopes: string[] }, i: number) => {
      const at = parsed.doc.locate(`/tokens/${i}`);
      const systems = t.scopes.filter((s) => s.startsWith('read:system:'));
      if (names.has(t.name)) problems.push({ severity: 'error', code: 'duplicate-token', message: `token name '${t.name}' is used twice`, ...at });
      if (hashes.has(t.sha256)) problems.push({ severity: 'error', code: 'duplicate-token', message: `token '${t.name}' has the same hash as another token`, ...at });
      if (systems.length > 1 || (systems.length && t.scopes.includes('read'))) problems.push({ severity: 'error', code: 'token-scopes', message: `token '${t.name}' may read one system or everything, not ${t.scopes.join(' and ')}`, hint: 'give each system owner a token of their own', ...at });
      names.add(t.name);
      hashes.add(t.sha256);
    });
    if (problems.length) throw new ServeConfigInvalid(file, problems);
  }
  const rate = doc.limits?.rate ?? 500;
  const failed = doc.limits?.failed_auth_rate ?? 5;
  return {
    listen: parseListen(doc.listen ?? '127.0.0.1:8443'),
    ...(doc.tls ? { tls: { cert: doc.tls.cert, key: doc.tls.key, ...(doc.tls.client_ca ? { clientCa: doc.tls.client_ca } : {}) } } : {}),
    tokens: (doc.tokens ?? []).map((t: { name: string; sha256: string; scopes: string[]; expires?: string }) => ({ name: t.name, sha256: t.sha256, scopes: t.scopes, ...(t.expires ? { expiresAt: endOf(t.expires) } : {}) })),
    limits: {
      rate,
      burst: doc.limits?.burst ?? Math.ceil(2 * rate),
      failedAuthRate: failed,
      failedAuthBurst: Math.max(20, Math.ceil(4 * failed)),
      requestTimeoutMs: parseDuration(doc.limits?.request_timeout ?? '10s') * 1000,
      maxHeaderBytes: doc.limits?.max_header_bytes ?? 8192,
    },
    refreshMs: parseDuration(doc.refresh ?? '10s') * 1000,
    rebuildMs: parseDuration(doc.rebuild ?? '1h') * 1000,
  };
}

export function readServeConfig(file: string): ServeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PlumbError('E_USAGE', `cannot read the server configuration ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { hint: 'see engine/serve/README.md for its format; `plumb serve token` makes a token entry' });
  }
  return parseServeConfig(file, text);
}
