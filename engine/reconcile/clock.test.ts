import { describe, expect, it } from 'vitest';
import type { Facts } from '../facts/types.js';
import { checkClocks } from './clock.js';

const f = (gatheredAt: string) => ({ gatheredAt }) as Facts;
const t = Date.parse('2026-11-25T10:00:00Z');

describe('clock skew', () => {
  it('lets decisions through when clocks agree within the bound', () => {
    const c = checkClocks({ facts: new Map([['a', f('2026-11-25T10:02:00Z')]]), from: t, to: t + 1000, commitTime: t - 3600_000 });
    expect(c.notices).toEqual([]);
    expect(c.verdict('a')).toEqual({ ok: true });
  });

  it("refuses time-dependent decisions for every host when the controller's clock is 2 days fast", () => {
    const c = checkClocks({ facts: new Map([['a', f('2026-11-23T10:00:00Z')], ['b', f('2026-11-23T10:00:01Z')]]), from: t, to: t + 1000 });
    expect(c.verdict('a')).toMatchObject({ ok: false, skew: expect.stringMatching(/2 days behind/) });
    expect(c.notices[0]).toMatch(/probably wrong.*approvals, expiries, windows and soak are not judged/);
  });

  it('refuses them everywhere when the commit comes from 2 days in the future (this clock is slow)', () => {
    const c = checkClocks({ facts: new Map([['a', f('2026-11-25T10:00:00Z')]]), from: t, to: t + 1000, commitTime: t + 2 * 86_400_000 });
    expect(c.verdict('a')).toMatchObject({ ok: false, skew: expect.stringMatching(/this clock is behind/) });
  });

  it('honours a configured bound', () => {
    const facts = new Map([['a', f('2026-11-25T10:10:00Z')]]);
    expect(checkClocks({ facts, from: t, to: t, maxSkewMs: 5 * 60_000 }).verdict('a').ok).toBe(false);
    expect(checkClocks({ facts, from: t, to: t, maxSkewMs: 15 * 60_000 }).verdict('a').ok).toBe(true);
  });
});
