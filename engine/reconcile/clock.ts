import type { ClockVerdict } from '../apply/gate.js';
import type { Facts } from '../facts/types.js';

/** How far clocks may disagree before time-dependent decisions are refused. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

export interface ClockCheck {
  /** Per host: may time-dependent decisions be taken for it? */
  verdict(host: string): ClockVerdict;
  /** What disagrees, for the person running plumb (empty when all agree). */
  notices: string[];
}

function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 129_600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

/**
 * Compares the controller's clock with each host's (the time its facts were gathered, between `from` and `to` by the
 * controller's clock) and with the newest commit it applies (a commit from the future means this clock is behind).
 * Beyond `maxSkewMs`, approvals' starts and expiries, windows, exceptions and soak cannot be judged: those decisions
 * are refused — for every host when the commit disagrees, else for the hosts whose clocks disagree. Pure.
 */
export function checkClocks(o: { facts: Map<string, Facts>; from: number; to: number; commitTime?: number | null; maxSkewMs?: number }): ClockCheck {
  const bound = o.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const notices: string[] = [];
  let all: string | undefined;
  if (o.commitTime && o.commitTime - o.to > bound) {
    all = `the desired-state commit is dated ${span(o.commitTime - o.to)} after this controller's clock (${new Date(o.to).toISOString()}): this clock is behind`;
    notices.push(all);
  }
  const hosts = new Map<string, string>();
  for (const [name, f] of o.facts) {
    const t = Date.parse(f.gatheredAt);
    if (Number.isNaN(t)) continue;
    const off = t < o.from ? t - o.from : t > o.to ? t - o.to : 0;
    if (Math.abs(off) > bound) hosts.set(name, `${name}'s clock is ${span(off)} ${off < 0 ? 'behind' : 'ahead of'} this controller's`);
  }
  if (hosts.size) {
    const list = [...hosts.values()];
    notices.push(hosts.size === o.facts.size && hosts.size > 1 ? `every host's clock disagrees with this controller's (${list[0]}): this controller's clock is probably wrong` : list.slice(0, 5).join('; ') + (list.length > 5 ? `; and ${list.length - 5} more` : ''));
  }
  const tail = `, beyond the bound of ${span(bound)}: approvals, expiries, windows and soak are not judged until the clocks agree`;
  return {
    notices: notices.map((n) => `${n}${tail}`),
    verdict(host) {
      if (all) return { ok: false, skew: all };
      const h = hosts.get(host);
      return h ? { ok: false, skew: h } : { ok: true };
    },
  };
}
