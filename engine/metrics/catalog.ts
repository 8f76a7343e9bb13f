import type { MetricId } from './types.js';

/** SP 800-40 table 3-1: every metric, its unit and the SP 800-26 maturity level at which a program measures it. */
export const CATALOG: Readonly<Record<MetricId, { title: string; unit: string; maturity: 3 | 4 | 5 }>> = {
  'vulnerability-ratio': { title: 'Vulnerability ratio', unit: 'vulnerabilities / host', maturity: 3 },
  'unapplied-patch-ratio': { title: 'Unapplied patch ratio', unit: 'patches / host', maturity: 3 },
  'network-service-ratio': { title: 'Network service ratio', unit: 'network services / host', maturity: 3 },
  'identification-time': { title: 'Response time for vulnerability and patch identification', unit: 'time', maturity: 4 },
  'patch-response-critical': { title: 'Patch response time (critical patches)', unit: 'time', maturity: 4 },
  'patch-response-noncritical': { title: 'Patch response time (non-critical patches)', unit: 'time', maturity: 4 },
  'emergency-configuration-response': { title: 'Emergency configuration response time', unit: 'time', maturity: 4 },
  'group-cost': { title: 'Cost of the patch and vulnerability group', unit: 'money', maturity: 5 },
  'administrator-support-cost': { title: 'Cost of system administrator support', unit: 'money', maturity: 5 },
  'software-cost': { title: 'Cost of software', unit: 'money', maturity: 5 },
  'failure-cost': { title: 'Cost of program failures', unit: 'money', maturity: 5 },
};

export const METRIC_IDS = Object.keys(CATALOG) as MetricId[];
export const RATIO_IDS: readonly MetricId[] = ['vulnerability-ratio', 'unapplied-patch-ratio', 'network-service-ratio'];
export const TIME_IDS: readonly MetricId[] = ['identification-time', 'patch-response-critical', 'patch-response-noncritical', 'emergency-configuration-response'];
export const MONEY_IDS: readonly MetricId[] = ['group-cost', 'administrator-support-cost', 'software-cost', 'failure-cost'];

export function isMetricId(s: string): s is MetricId {
  return Object.hasOwn(CATALOG, s);
}
