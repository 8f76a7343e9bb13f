import { describe, expect, it } from 'vitest';
import { sampleJournal } from '../../test/ledger/sample.js';
import { foldJournal } from './fold.js';
import { commitMessage, parseRun, serializeRun } from './record-file.js';
import { isRunId, newRunId, runIdTime, runPath } from './run-id.js';
import type { RunRecord } from './types.js';

const run = foldJournal(sampleJournal());

function shuffleKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(shuffleKeys) as T;
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffleKeys(x)])) as T;
}

describe('serializeRun', () => {
  it('gives the same bytes whatever order the keys were built in', () => {
    expect(serializeRun(shuffleKeys(run))).toBe(serializeRun(run));
  });

  it('reads top-down like the run went and round-trips through parseRun', () => {
    const text = serializeRun(run);
    expect(Object.keys(JSON.parse(text))).toEqual(['id', 'kind', 'status', 'startedAt', 'endedAt', 'commit', 'ref', 'factsDigest', 'approvals', 'operator', 'rings', 'hosts']);
    expect(Object.keys(JSON.parse(text).hosts[0].actions[0]).slice(0, 6)).toEqual(['id', 'type', 'params', 'finding', 'findingKind', 'origin']);
    expect(parseRun(text, 'x')).toEqual(JSON.parse(JSON.stringify(run)));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('refuses what is not a run record, with a located error code', () => {
    expect(() => parseRun('{', 'runs/a.json')).toThrow(expect.objectContaining({ code: 'E_LEDGER_CORRUPT' }));
    const bad = { ...run, hosts: [{ host: 'x', actions: [{ id: 'x#1' }] }] } as unknown as RunRecord;
    expect(() => parseRun(JSON.stringify(bad), 'runs/a.json')).toThrow(/hosts\[0\]\.actions\[0\] has no id or result/);
  });
});

describe('commitMessage', () => {
  it('says run, kind, status, hosts, actions and desired-state commit on its first line', () => {
    const msg = commitMessage(run, runPath(run.id));
    expect(msg.split('\n')[0]).toBe('run 20261125T143000Z-ab12cd: apply completed, 3 hosts, 5 actions (desired state 0123456789ab)');
    expect(msg).toContain('Approvals: APR-0017 (alice, CHG-1234).');
    expect(msg).toMatch(/\n\nPlumb-Run: 20261125T143000Z-ab12cd\nPlumb-Record: runs\/2026\/11\/25\/20261125T143000Z-ab12cd\.json\n$/);
    expect(commitMessage({ ...run, commit: null, recovered: true }, 'p').split('\n')[0]).toContain('(desired state: working tree)');
  });
});

describe('run ids', () => {
  it('sort by start time and differ within one second', () => {
    const a = newRunId(new Date('2026-11-25T14:30:00.999Z'));
    expect(a).toMatch(/^20261125T143000Z-[0-9a-f]{6}$/);
    expect(isRunId(a)).toBe(true);
    expect(newRunId(new Date('2026-11-25T14:30:01Z')) > a).toBe(true);
    expect(new Set(Array.from({ length: 200 }, () => newRunId(new Date('2026-11-25T14:30:00Z')))).size).toBe(200);
    expect(runIdTime(a)).toBe('2026-11-25T14:30:00Z');
  });

  it('refuse anything that could escape a path', () => {
    for (const bad of ['../../etc/passwd', '20261125T143000Z-ab12cd/../x', '20261325T143000Z-ab12cd', '20261125T143000Z-AB12CD', '']) {
      expect(isRunId(bad)).toBe(false);
      expect(() => runPath(bad)).toThrow(expect.objectContaining({ code: 'E_RUN_ID' }));
    }
  });
});
