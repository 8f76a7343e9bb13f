import { describe, expect, it } from 'vitest';
import { costMetrics } from './costs.js';
import { add, div, money, rational, sum } from './money.js';
import type { ProgramCosts } from './types.js';

const year = { from: Date.parse('2026-01-01T00:00:00Z'), to: Date.parse('2026-12-31T23:59:59.999Z') };
const costs = (over: Partial<ProgramCosts> = {}): ProgramCosts => ({ currency: 'USD', group: [], administratorSupport: [], software: [], failures: [], ...over });

describe('program costs (maturity level 5)', () => {
  it("gives SP 800-40's software example exactly: (3,000 + 2,000) + 30,000/4 + 10,000/3 = 15,833", () => {
    const [, , software] = costMetrics(
      costs({
        software: [
          { name: 'patch management software', annualMaintenance: 3000, price: 30000, priceKind: 'purchase', expectedLife: 4 },
          { name: 'vulnerability scanner', annualMaintenance: 2000, price: 10000, priceKind: 'upgrade', expectedLife: 3 },
        ],
      }),
      year,
    );
    expect(software).toMatchObject({ id: 'software-cost', unit: 'money', maturity: 5, per: 'year', currency: 'USD' });
    // Exact: 5,000 + 7,500 + 10,000/3 = 47,500/3; rounded for people to whole units, and to cents in `value`.
    expect(software!.amount).toEqual({ exact: '47500/3', value: 15833.33, display: '15,833' });
    expect(software!.items.map((i) => [i.name, i.amount.exact, i.detail])).toEqual([
      ['patch management software', '10500', '3,000 maintenance + 30,000 purchase / 4 years'],
      ['vulnerability scanner', '16000/3', '2,000 maintenance + 10,000 upgrade / 3 years'],
    ]);
  });

  it('staff costs: a yearly amount or hours × rate, exactly', () => {
    const [group, admin] = costMetrics(costs({ group: [{ name: 'lead', annualCost: 98000.5 }, { name: 'analyst', hours: 1000, hourlyRate: 45.25 }], administratorSupport: [{ name: 'admins', hours: 12.5, hourlyRate: 40 }] }), year);
    expect(group!.amount).toEqual({ exact: '286501/2', value: 143250.5, display: '143,251' });
    expect(admin!.amount).toEqual({ exact: '500', value: 500, display: '500' });
  });

  it('failures: only those dated in the period', () => {
    const [, , , failures] = costMetrics(
      costs({ failures: [{ date: '2025-12-31', description: 'old', cost: 999 }, { date: '2026-03-02', description: 'web defacement', cost: 12000, cause: 'compromise' }, { date: '2026-12-31', description: 'broken kernel update', cost: 800.1, cause: 'patch-failure' }] }),
      year,
    );
    expect(failures).toMatchObject({ per: 'period', amount: { exact: '128001/10', value: 12800.1, display: '12,800' } });
    expect(failures!.items.map((i) => i.date)).toEqual(['2026-03-02', '2026-12-31']);
  });
});

describe('exact money', () => {
  it('reads decimals as written and rounds half away from zero only for display', () => {
    expect(rational(0.1)).toEqual({ n: 1n, d: 10n });
    expect(money(add(rational(0.1), rational(0.2)))).toEqual({ exact: '3/10', value: 0.3, display: '0' });
    expect(money(rational(2.5)).display).toBe('3');
    expect(money(rational(-2.5)).display).toBe('-3');
    expect(money(div(rational(1), rational(3))).value).toBe(0.33);
    expect(money(sum([rational(1e21), rational(1)])).exact).toBe('1000000000000000000001');
    expect(rational(1e-7)).toEqual({ n: 1n, d: 10000000n });
  });
});
