import { createHash, randomBytes } from 'node:crypto';
import type { TokenEntry } from './config.js';

/**
 * Bearer tokens. A token is 32 random bytes (`plumb_` + base64url); the server's configuration keeps only its
 * SHA-256. A fast hash is the right one here: the secret has 256 bits of entropy, so there is nothing for a slow
 * password hash to protect, and checking a request costs one hash and one map lookup. Nothing in a refusal says
 * which part was wrong beyond "invalid" or "expired" (RFC 6750).
 */

export const TOKEN_PATTERN = /^plumb_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return `plumb_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What a token may see: verdicts of any host, everything, or one system. */
export interface Principal {
  name: string;
  admission: boolean;
  /** 'all', one system's name, or null (no reading). */
  read: 'all' | { system: string } | null;
}

export type AuthResult = { ok: true; principal: Principal } | { ok: false; error: 'missing' | 'invalid' | 'expired' };

export class TokenBook {
  private readonly byHash = new Map<string, { entry: TokenEntry; principal: Principal }>();

  constructor(entries: readonly TokenEntry[]) {
    for (const entry of entries) {
      const system = entry.scopes.find((s) => s.startsWith('read:system:'))?.slice('read:system:'.length);
      const read = entry.scopes.includes('read') ? 'all' : system ? { system } : null;
      this.byHash.set(entry.sha256, { entry, principal: { name: entry.name, admission: entry.scopes.includes('admission'), read } });
    }
  }

  check(authorization: string | undefined, now: number): AuthResult {
    if (!authorization) return { ok: false, error: 'missing' };
    const m = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!m || !TOKEN_PATTERN.test(m[1]!)) return { ok: false, error: 'invalid' };
    const found = this.byHash.get(hashToken(m[1]!));
    if (!found) return { ok: false, error: 'invalid' };
    if (found.entry.expiresAt !== undefined && now > found.entry.expiresAt) return { ok: false, error: 'expired' };
    return { ok: true, principal: found.principal };
  }
}

/** Token buckets by key (a token's name, a client address): `rate` per second, at most `burst` at once. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one request's worth; false when the bucket is empty (the caller answers 429). */
  take(key: string, now: number): boolean {
    let b = this.buckets.get(key);
    if (!b) {
      // A flood of new addresses must not grow memory without bound: the oldest buckets go first (Map keeps insertion order).
      if (this.buckets.size >= this.maxKeys) for (const k of [...this.buckets.keys()].slice(0, this.maxKeys / 10)) this.buckets.delete(k);
      this.buckets.set(key, (b = { tokens: this.burst, at: now }));
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Whether the bucket has anything left, without taking from it. */
  allows(key: string, now: number): boolean {
    const b = this.buckets.get(key);
    return !b || Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.rate) >= 1;
  }
}
