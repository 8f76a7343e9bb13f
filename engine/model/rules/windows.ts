import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function checkWindows(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const w of model.windows.values()) {
    if (!isTimeZone(w.timezone)) {
      problems.push(problemAt(ctx.locate(w.source.file, `${w.source.pointer}/timezone`), 'timezone', `window '${w.name}': unknown time zone '${w.timezone}'`, { hint: 'use an IANA name such as UTC, Europe/Berlin or America/New_York' }));
    }
    w.slots.forEach((s, i) => {
      if (s.start === s.end) {
        problems.push(problemAt(ctx.locate(w.source.file, `${w.source.pointer}/slots/${i}`), 'window-empty', `window '${w.name}': slot ${i} starts and ends at ${s.start}`, { hint: 'a window that never opens is probably a typo; 00:00–24:00 is the whole day' }));
      }
    });
  }
  return problems;
}
