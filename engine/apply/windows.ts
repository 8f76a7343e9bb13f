import type { MaintenanceWindow } from '../model/types.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Day of week and minutes since midnight of an instant, in a time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: Date, timeZone: string): { day: number; minutes: number } {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = f.formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number]), minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether an instant falls inside a weekly maintenance window. A slot whose end is before its start runs past
 * midnight: "mon 22:00–02:00" covers Monday 22:00 to Tuesday 02:00, so it belongs to the day it starts on.
 */
export function inWindow(w: Pick<MaintenanceWindow, 'timezone' | 'slots'>, at: Date): boolean {
  const { day, minutes } = localTime(at, w.timezone);
  const yesterday = (day + 6) % 7;
  return w.slots.some((s) => {
    const start = toMinutes(s.start);
    const end = toMinutes(s.end);
    const days = s.days.map((d) => DAYS.indexOf(d));
    if (start < end) return days.includes(day) && minutes >= start && minutes < end;
    return (days.includes(day) && minutes >= start) || (days.includes(yesterday) && minutes < end);
  });
}

/** The next instant (to the minute, within 8 days) at which the window opens; for telling people when to expect a change. */
export function nextOpening(w: Pick<MaintenanceWindow, 'timezone' | 'slots'>, from: Date): Date | null {
  const step = 60_000;
  let t = Math.ceil(from.getTime() / step) * step;
  const limit = t + 8 * 24 * 60 * step;
  // Minute steps are coarse but exact for HH:MM slots; 11,520 checks at most, run only when a host is skipped.
  for (; t < limit; t += step) if (inWindow(w, new Date(t))) return new Date(t);
  return null;
}
