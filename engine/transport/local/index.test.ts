import { describe, expect, it } from 'vitest';
import { openTransport } from '../index.js';
import { checkSudo, needsSudo, withSudo } from '../privilege.js';
import { shellQuote } from '../shell.js';

const host = { name: 'ctl', address: 'localhost', transport: 'local' as const, system: 's', baseline: 'b', ring: 'r', source: { file: 'f', line: 1, col: 1, pointer: '', commit: null } };
const codeOf = async (p: Promise<unknown>) => p.then(() => undefined, (e) => (e as { code?: string }).code);

describe('local transport', () => {
  it('runs commands with stdin, status and both streams, as the real /bin/sh does', async () => {
    const t = await openTransport(host);
    const r = await t.exec(`read x; printf '%s' "$x" | tr a-z A-Z; echo err >&2; exit 3`, { stdin: 'hello\n' });
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toBe('HELLO');
    expect(r.stderr.toString()).toBe('err\n');
    await t.close();
  });
  it('stops a command at its timeout, children included', async () => {
    const t = await openTransport(host);
    const started = Date.now();
    expect(await codeOf(t.exec('sleep 30 & sleep 30', { timeoutMs: 300 }))).toBe('E_COMMAND_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
  it('reports death by signal as 128 + signal number', async () => {
    const t = await openTransport(host);
    expect((await t.exec('kill -TERM $$')).code).toBe(143);
  });
});

describe('privilege', () => {
  it('uses sudo for non-root users or when the host asks', () => {
    expect(needsSudo('root', undefined)).toBe(false);
    expect(needsSudo('root', true)).toBe(true);
    expect(needsSudo('plumb', undefined)).toBe(true);
  });
  it('wraps the whole command line for sh -c, quoted', () => {
    expect(withSudo("a 'b' | c")).toBe(`sudo -n -- sh -c ${shellQuote("a 'b' | c")}`);
  });
  it('recognises sudo refusing to prompt', () => {
    const res = (stderr: string, code = 1) => ({ code, stdout: Buffer.alloc(0), stderr: Buffer.from(stderr) });
    expect(() => checkSudo('h', 'u', res('sudo: a password is required\n'))).toThrow(expect.objectContaining({ code: 'E_SUDO' }));
    expect(() => checkSudo('h', 'u', res('sh: 1: sudo: not found\n', 127))).toThrow(expect.objectContaining({ code: 'E_SUDO' }));
    expect(checkSudo('h', 'u', res('grep: no match\n')).code).toBe(1);
  });
});
