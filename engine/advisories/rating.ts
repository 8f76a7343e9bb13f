import type { Severity } from './types.js';

/**
 * Vendors' qualitative ratings in one vocabulary. Red Hat (and AlmaLinux, which copies it) say Important where
 * others say high; Debian's tracker says unimportant for what Ubuntu calls negligible; a trailing '**' in the
 * tracker marks an urgency not yet reviewed by the security team — still the best rating there is.
 */
const WORDS: Record<string, Severity> = {
  critical: 'critical',
  important: 'high',
  high: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  negligible: 'negligible',
  unimportant: 'negligible',
  none: 'negligible',
};

/** A rating word → severity; undefined for words that rate nothing ('not yet assigned', 'end-of-life', 'untriaged'). */
export function ratingOf(text: string | undefined): Severity | undefined {
  if (!text) return undefined;
  const w = text.trim().toLowerCase().replace(/\*+$/, '');
  return WORDS[w];
}

/** AlmaLinux and Red Hat put the rating in front of the summary: "Moderate: python-requests security update". */
export function ratingFromSummary(summary: string | undefined): Severity | undefined {
  const m = /^(Critical|Important|Moderate|Low):/.exec(summary ?? '');
  return m ? ratingOf(m[1]) : undefined;
}
