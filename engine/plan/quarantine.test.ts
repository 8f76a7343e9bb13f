import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../model/load.js';
import type { Model } from '../model/types.js';
import { assemblePlan, hasChanges } from './assemble.js';
import { compliantFacts } from './fixtures.test-helper.js';
import { renderHuman } from './render/human.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const now = new Date('2026-11-25T12:00:00Z');
let model: Model;
beforeAll(async () => {
  model = (await loadRepository(root)).model;
});
const plain = { red: String, yellow: String, green: String, cyan: String, dim: String, bold: String } as never;

describe('a quarantined (compromised) host', () => {
  const drift = () => {
    const h = model.hosts.get('wiki-01')!;
    const facts = compliantFacts(model, h, { telnetd: ['0.17+2.4-2+deb12u1', 'inetutils'] });
    facts.files['/etc/shadow']!.mode = '0644';
    return facts;
  };
  it('gets no action: what it would need is listed as unresolvable, with the quarantine', () => {
    const m: Model = { ...model, hosts: new Map(model.hosts) };
    m.hosts.set('wiki-01', { ...model.hosts.get('wiki-01')!, compromised: { since: '2026-11-20', reason: 'web shell found', ticket: 'INC-7' } });
    const plan = assemblePlan(m, [{ host: 'wiki-01', facts: drift(), digest: 'd' }], { now });
    const h = plan.hosts[0]!;
    expect(h.actions).toEqual([]);
    expect(hasChanges(plan)).toBe(false);
    expect(h.quarantined).toEqual({ since: '2026-11-20', reason: 'web shell found', ticket: 'INC-7' });
    expect(h.unresolvable.map((u) => u.finding)).toEqual(['package-forbidden:telnetd', 'file-mode:/etc/shadow']);
    expect(h.unresolvable[0]!.why).toMatch(/quarantined: marked compromised since 2026-11-20 \(INC-7\); only a rebuild changes it/);
    expect(renderHuman(plan, plain)).toMatch(/wiki-01 .*QUARANTINED since 2026-11-20 \(INC-7\): web shell found/);
    // Its rebuild plans the whole baseline for it.
    const rebuild = assemblePlan(m, [{ host: 'wiki-01', facts: drift(), digest: 'd' }], { now, rebuilding: 'wiki-01' });
    expect(rebuild.hosts[0]!.actions.map((a) => a.finding)).toEqual(['package-forbidden:telnetd', 'file-mode:/etc/shadow']);
  });
});
