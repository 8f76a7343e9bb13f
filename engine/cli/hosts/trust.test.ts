import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withPinnedKey } from './trust.js';

const FP = 'SHA256:2pYY5Rn2poD6ZaAZ1ezQ7222txVDuFf9a9PMLjZ+T30';
const at = (i: number, name: string) => ({ name, source: { file: 'inventory/hosts.yaml', line: 1, col: 1, pointer: `/hosts/${i}`, commit: null } });

describe('withPinnedKey', () => {
  it('adds host_keys as the last line of a host, leaving every other byte alone', () => {
    const text = '# hosts\nhosts:\n  - name: a\n    address: 10.0.0.1   # aligned comment\n    ring: pilot\n  # next host\n  - name: b\n    address: 10.0.0.2\n';
    const out = withPinnedKey(text, at(0, 'a'), FP);
    expect(out).toBe(text.replace('    ring: pilot\n', `    ring: pilot\n    host_keys: ["${FP}"]\n`));
    expect(parse(out).hosts[0].host_keys).toEqual([FP]);
    expect(parse(withPinnedKey(text, at(1, 'b'), FP)).hosts[1].host_keys).toEqual([FP]);
  });
  it('appends to a flow list and to a block list', () => {
    const flow = 'hosts:\n  - name: a\n    host_keys: ["SHA256:x"]  # pinned 2024\n    ring: r\n';
    expect(withPinnedKey(flow, at(0, 'a'), FP)).toBe(`hosts:\n  - name: a\n    host_keys: ["SHA256:x", "${FP}"]  # pinned 2024\n    ring: r\n`);
    const block = 'hosts:\n  - name: a\n    host_keys:\n      - SHA256:x # old\n    ring: r\n';
    expect(withPinnedKey(block, at(0, 'a'), FP)).toBe(`hosts:\n  - name: a\n    host_keys:\n      - SHA256:x # old\n      - "${FP}"\n    ring: r\n`);
  });
  it('refuses when the host is no longer where the model saw it', () => {
    expect(() => withPinnedKey('hosts:\n  - name: other\n', at(0, 'a'), FP)).toThrow(expect.objectContaining({ code: 'E_TRUST' }));
  });
});
