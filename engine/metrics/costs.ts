import { CATALOG } from './catalog.js';
import { add, div, money, mul, rational, sum, ZERO, type Rational } from './money.js';
import { instant } from './time.js';
import type { MetricId, MoneyMetric, ProgramCosts, StaffCost } from './types.js';

const fmt = (x: number) => money(rational(x)).display;

function metric(id: MetricId, currency: string, per: MoneyMetric['per'], items: Array<{ name: string; amount: Rational; detail: string; date?: string }>): MoneyMetric {
  return {
    id,
    ...CATALOG[id],
    kind: 'money',
    met: null,
    currency,
    per,
    amount: money(sum(items.map((i) => i.amount))),
    items: items.map((i) => ({ name: i.name, amount: money(i.amount), detail: i.detail, ...(i.date ? { date: i.date } : {}) })),
  };
}

function staff(s: StaffCost): { name: string; amount: Rational; detail: string } {
  if (s.annualCost !== undefined) return { name: s.name, amount: rational(s.annualCost), detail: `${fmt(s.annualCost)} a year` };
  return { name: s.name, amount: mul(rational(s.hours ?? 0), rational(s.hourlyRate ?? 0)), detail: `${fmt(s.hours ?? 0)} h × ${s.hourlyRate} an hour` };
}

/**
 * The four costs of maturity level 5, per organization, from the reviewed `program` section. Staff costs and
 * software are per year; software per year = Σ annual maintenance + Σ (purchase or upgrade price ÷ expected life in
 * years), exactly (SP 800-40's example: (3,000 + 2,000) + 30,000/4 + 10,000/3 = 15,833). Failures are the costs of
 * compromises and failed patches recorded with a date in the period.
 */
export function costMetrics(costs: ProgramCosts, period: { from: number; to: number }): MoneyMetric[] {
  const software = costs.software.map((s) => {
    let amount = s.annualMaintenance !== undefined ? rational(s.annualMaintenance) : ZERO;
    const parts: string[] = s.annualMaintenance !== undefined ? [`${fmt(s.annualMaintenance)} maintenance`] : [];
    if (s.price !== undefined && s.expectedLife) {
      amount = add(amount, div(rational(s.price), rational(s.expectedLife)));
      parts.push(`${fmt(s.price)} ${s.priceKind ?? 'purchase'} / ${s.expectedLife} years`);
    }
    return { name: s.name, amount, detail: parts.join(' + ') || 'no cost' };
  });
  const failures = costs.failures
    .filter((f) => {
      const t = instant(f.date);
      return t >= period.from && t <= period.to;
    })
    .map((f) => ({ name: f.description, amount: rational(f.cost), detail: f.cause ?? 'other', date: f.date }));
  return [
    metric('group-cost', costs.currency, 'year', costs.group.map(staff)),
    metric('administrator-support-cost', costs.currency, 'year', costs.administratorSupport.map(staff)),
    metric('software-cost', costs.currency, 'year', software),
    metric('failure-cost', costs.currency, 'period', failures),
  ];
}
