import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../model/load.js';
import { hashToken, newToken, RateLimiter, TokenBook } from './auth.js';
import { parseServeConfig } from './config.js';

describe('bearer tokens', () => {
  const read = newToken();
  const scoped = newToken();
  const old = newToken();
  const book = new TokenBook([
    { name: 'reader', sha256: hashToken(read), scopes: ['read', 'admission'] },
    { name: 'owner', sha256: hashToken(scoped), scopes: ['read:system:payroll'] },
    { name: 'old', sha256: hashToken(old), scopes: ['admission'], expiresAt: Date.parse('2026-01-01T23:59:59.999Z') },
  ]);
  const now = Date.parse('2026-06-01T00:00:00Z');

  it('a token is 32 random bytes; the book knows it only by its SHA-256', () => {
    expect(read).toMatch(/^plumb_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(read);
    expect(book.check(`Bearer ${read}`, now)).toEqual({ ok: true, principal: { name: 'reader', admission: true, read: 'all' } });
    expect(book.check(`Bearer ${scoped}`, now)).toMatchObject({ ok: true, principal: { admission: false, read: { system: 'payroll' } } });
  });

  it('refuses missing, malformed, unknown, tampered and expired tokens', () => {
    expect(book.check(undefined, now)).toEqual({ ok: false, error: 'missing' });
    for (const h of ['Basic abc', `Bearer ${read} extra`, `Bearer ${read.slice(0, -1)}`, `Bearer ${read}A`, `Bearer ${hashToken(read)}`, `Bearer plumb_${'A'.repeat(43)}`]) expect(book.check(h, now), h).toMatchObject({ ok: false, error: 'invalid' });
    expect(book.check(`Bearer ${old}`, now)).toEqual({ ok: false, error: 'expired' });
    expect(book.check(`Bearer ${old}`, Date.parse('2026-01-01T12:00:00Z')).ok).toBe(true);
  });

  it('rate limits: a burst, then the rate; keys apart; bounded memory', () => {
    const r = new RateLimiter(10, 3, 100);
    expect([1, 2, 3, 4].map(() => r.take('a', 0))).toEqual([true, true, true, false]);
    expect(r.take('b', 0)).toBe(true);
    expect(r.take('a', 100)).toBe(true); // 100 ms at 10/s: one more
    expect(r.take('a', 100)).toBe(false);
    for (let i = 0; i < 1000; i++) r.take(`k${i}`, 0);
    expect((r as unknown as { buckets: Map<string, unknown> }).buckets.size).toBeLessThanOrEqual(100);
  });
});

describe('the server configuration', () => {
  const h = 'a'.repeat(64);
  it('is checked: located problems for bad scopes, duplicates, one system or everything', () => {
    expect(() => parseServeConfig('s.yaml', `tokens:\n  - { name: x, sha256: ${h}, scopes: [write] }\n`)).toThrow(/s\.yaml:2:\d+: item 0 of 'scopes': "write" is not valid/);
    expect(() => parseServeConfig('s.yaml', `tokens:\n  - { name: x, sha256: ${h}, scopes: [read] }\n  - { name: x, sha256: ${'b'.repeat(64)}, scopes: [read] }\n`)).toThrow(/used twice/);
    expect(() => parseServeConfig('s.yaml', `tokens:\n  - { name: x, sha256: ${h}, scopes: ['read:system:a', 'read:system:b'] }\n`)).toThrow(/one system or everything/);
    expect(() => parseServeConfig('s.yaml', `tokens:\n  - { name: x, sha256: ${h}, scopes: [read], secret: plain }\n`)).toThrow(/unknown field 'secret'/);
    expect(() => parseServeConfig('s.yaml', 'listen: 0.0.0.0:99999\n')).toThrow(/--listen/);
  });
  it('defaults', () => {
    expect(parseServeConfig('(defaults)', undefined)).toMatchObject({ listen: { host: '127.0.0.1', port: 8443 }, tokens: [], limits: { rate: 500, burst: 1000, requestTimeoutMs: 10_000, maxHeaderBytes: 8192 }, refreshMs: 10_000, rebuildMs: 3_600_000 });
    expect(parseServeConfig('s.yaml', `listen: '[::1]:9000'\ntokens:\n  - { name: r, sha256: ${h}, scopes: [admission], expires: 2027-06-30 }\n`)).toMatchObject({ listen: { host: '::1', port: 9000 }, tokens: [{ expiresAt: Date.parse('2027-06-30T23:59:59.999Z') }] });
  });
});

describe('plumb validate: MAC addresses and the admission section', () => {
  const enc = new TextEncoder();
  const load = (inventory: Record<string, string>) =>
    loadSnapshot({ commit: null, files: Object.entries({ 'baselines/b.yaml': 'name: b\nplatform: { os: debian }\n', 'inventory/org.yaml': 'systems:\n  - { name: s, impact: low, owner: o }\nrings:\n  - { name: pilot }\n', ...inventory }).map(([path, text]) => ({ path, bytes: enc.encode(text) })) }).problems.filter((p) => p.severity === 'error');

  it('a MAC names one host, whatever its spelling', () => {
    const problems = load({ 'inventory/hosts.yaml': "hosts:\n  - { name: a, address: 10.0.0.1, system: s, baseline: b, ring: pilot, mac_addresses: ['52:54:00:00:00:01'] }\n  - { name: b, address: 10.0.0.2, system: s, baseline: b, ring: pilot, mac_addresses: ['5254.0000.0001'] }\n" });
    expect(problems.map((p) => [p.code, p.line]).sort()).toEqual([['duplicate-mac', 2], ['duplicate-mac', 3]]);
    expect(load({ 'inventory/hosts.yaml': "hosts:\n  - { name: a, address: 10.0.0.1, system: s, baseline: b, ring: pilot, mac_addresses: ['52:54:00:00:00:0g'] }\n" })[0]?.code).toBe('schema');
  });

  it('the admission policy is declared in one file, with known verdicts', () => {
    expect(load({ 'inventory/a.yaml': 'admission:\n  overdue: deny\n', 'inventory/b.yaml': 'admission:\n  noncompliant: admit\n' }).map((p) => p.code)).toEqual(['duplicate-section', 'duplicate-section']);
    expect(load({ 'inventory/a.yaml': 'admission:\n  overdue: maybe\n' }).map((p) => p.code)).toEqual(['schema']);
  });
});
