import { describe, expect, it } from 'vitest';
import { durationSeconds, formatDuration, instant, periodEnd, stats } from './time.js';

describe('time', () => {
  it('statistics: median of the middle two, p90 by nearest rank', () => {
    expect(stats([])).toBeUndefined();
    expect(stats([5])).toEqual({ count: 1, min: 5, median: 5, mean: 5, p90: 5, max: 5 });
    expect(stats([4, 1, 3, 2])).toEqual({ count: 4, min: 1, median: 2.5, mean: 2.5, p90: 4, max: 4 });
    expect(stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])!.p90).toBe(9);
    expect(stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])!.p90).toBe(10);
  });

  it('dates: a bare date starts at midnight UTC, and ends a period at the end of that day', () => {
    expect(instant('2026-01-02')).toBe(Date.parse('2026-01-02T00:00:00Z'));
    expect(periodEnd('2026-01-02')).toBe(Date.parse('2026-01-02T23:59:59.999Z'));
    expect(periodEnd('2026-01-02T10:00:00+02:00')).toBe(Date.parse('2026-01-02T08:00:00Z'));
  });

  it('durations', () => {
    expect(durationSeconds('1d12h')).toBe(129600);
    expect(durationSeconds(90)).toBe(90);
    expect(formatDuration(90061)).toBe('1d 1h');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(3660)).toBe('1h 1m');
  });
});
