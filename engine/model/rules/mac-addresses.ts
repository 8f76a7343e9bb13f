import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/** aa:bb:cc:dd:ee:ff, whatever separators and case it was written (or sent by a switch) with; null when it is not a MAC. */
export function normalizeMac(s: string): string | null {
  const hex = s.replace(/[:.-]/g, '');
  if (!/^[0-9A-Fa-f]{12}$/.test(hex) || !/^([0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(\2[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})$/.test(s)) return null;
  return hex.toLowerCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * A MAC address names one host: network admission looks hosts up by the MAC a switch reports, so a MAC listed for
 * two hosts would let one host be judged as the other. Reported at both declarations.
 */
export function checkMacAddresses(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, { host: string; at: ReturnType<RuleContext['locate']> }>();
  for (const h of model.hosts.values()) {
    (h.mac_addresses ?? []).forEach((raw, i) => {
      const mac = normalizeMac(raw);
      if (!mac) return; // the schema already said so
      const at = ctx.locate(h.source.file, `${h.source.pointer}/mac_addresses/${i}`);
      const first = seen.get(mac);
      if (!first) {
        seen.set(mac, { host: h.name, at });
        return;
      }
      const same = first.host === h.name;
      problems.push(problemAt(at, 'duplicate-mac', same ? `host '${h.name}' lists MAC ${mac} twice` : `MAC ${mac} is listed for host '${first.host}' and host '${h.name}'`, { hint: `also at ${first.at.file}:${first.at.line}; a MAC address identifies one host for network admission` }));
      if (!same) problems.push(problemAt(first.at, 'duplicate-mac', `MAC ${mac} is listed for host '${first.host}' and host '${h.name}'`, { hint: `also at ${at.file}:${at.line}` }));
    });
  }
  return problems;
}
