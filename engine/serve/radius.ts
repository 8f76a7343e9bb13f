import type { AdmissionDecision } from './admission.js';

/**
 * GET /v1/admission/{id}?format=freeradius: the verdict in the shape FreeRADIUS's rest module reads from a JSON
 * body — attribute names as keys, values to set. plumb only says admit, quarantine or deny (control:Plumb-Admission,
 * defined in the dictionary snippet of examples/freeradius/); what a quarantine means on the network (a VLAN, a
 * filter) stays in the RADIUS server's own policy, where network people keep it. An unknown device gets a 404,
 * which the rest module turns into `notfound` (the shipped policy rejects it).
 */
export function radiusReply(d: AdmissionDecision | null): Record<string, string> {
  if (!d) return { 'control:Plumb-Admission': 'deny', 'reply:Reply-Message': 'plumb: unknown device' };
  const why = d.reasons.filter((r) => r.verdict === d.verdict).map((r) => r.rule);
  return {
    'control:Plumb-Admission': d.verdict,
    'control:Plumb-Host': d.host,
    'reply:Reply-Message': `plumb: ${d.verdict}${why.length ? ` (${why.join(', ')})` : ''}`,
  };
}
