import { describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/ledger/sample.js';
import { encodeLine, lineHash, parseJournal } from './journal-format.js';
import type { JournalEvent } from './types.js';

function write(events: JournalEvent[]): string[] {
  const lines: string[] = [];
  let prev: string | null = null;
  for (const [i, e] of events.entries()) {
    const line = encodeLine(i, prev, e, i === 0 ? { pid: 42, hostname: 'control' } : undefined);
    lines.push(line);
    prev = lineHash(line);
  }
  return lines;
}

const events = sampleJournal();
const lines = write(events);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

describe('parseJournal', () => {
  it('reads back what was written, with the owner and the head of the chain', () => {
    const p = parseJournal(text(lines));
    expect(p.events).toEqual(events);
    expect(p.owner).toEqual({ pid: 42, hostname: 'control' });
    expect(p.seal).toEqual({ events: events.length, head: lineHash(lines.at(-1)!), status: 'intact' });
  });

  it('leaves out a torn last line and keeps the chain intact', () => {
    for (const cut of [1, 10, lines.at(-1)!.length - 1]) {
      const p = parseJournal(text(lines.slice(0, -1)) + lines.at(-1)!.slice(0, cut));
      expect(p.seal).toEqual({ events: events.length - 1, head: lineHash(lines.at(-2)!), status: 'intact', torn: true });
    }
  });

  it('keeps a whole last line whose newline was lost', () => {
    const p = parseJournal(text(lines).slice(0, -1));
    expect(p.seal).toMatchObject({ events: events.length, status: 'intact' });
    expect(p.seal.torn).toBeUndefined();
  });

  it('reports an edited line as tampered, and keeps every event', () => {
    const edited = [...lines];
    edited[5] = edited[5]!.replace('web-1#1', 'web-1#2');
    const p = parseJournal(text(edited));
    expect(p.seal.status).toBe('tampered');
    expect(p.seal.problems).toEqual(['line 7 does not carry the hash of line 6: one of them was changed']);
    expect(p.events).toHaveLength(events.length);
  });

  it('reports removed and reordered lines', () => {
    const removed = [...lines.slice(0, 4), ...lines.slice(5)];
    expect(parseJournal(text(removed)).seal.problems).toEqual([
      'line 5 carries seq 5, expected 4: lines were removed, added or reordered',
      'line 5 does not carry the hash of line 4: one of them was changed',
    ]);
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(parseJournal(text(swapped)).seal.status).toBe('tampered');
  });

  it('reports a journal without its beginning as truncated', () => {
    const p = parseJournal(text(lines.slice(3)));
    expect(p.seal.status).toBe('truncated');
    expect(p.seal.problems?.[0]).toMatch(/begins with event 3 \(backup\), not the run-start at 0/);
    expect(p.events).toHaveLength(events.length - 3);
    expect(parseJournal('').seal).toEqual({ events: 0, head: null, status: 'truncated', problems: ['the journal holds no complete line'] });
  });

  it('reports a line that is not JSON, or not an event, in the middle', () => {
    const junk = [...lines];
    junk.splice(4, 0, 'garbage');
    const p = parseJournal(text(junk));
    expect(p.seal.status).toBe('tampered');
    expect(p.seal.problems?.[0]).toBe('line 5 is not a JSON object');
    expect(p.events).toHaveLength(events.length);
    const unknown = [...lines];
    unknown[2] = unknown[2]!.replace('"t":"action-skipped"', '"t":"rm -rf"');
    expect(parseJournal(text(unknown)).seal.problems).toContain('line 3 has no known event type (rm -rf)');
  });
});
