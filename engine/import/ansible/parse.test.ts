import { describe, expect, it } from 'vitest';
import { parseIni } from './ini.js';
import { pyLiteral } from './py-literal.js';
import { expandRanges, HostRangeError, splitPort } from './ranges.js';
import { resolveInventory } from './resolve.js';
import { shlexSplit } from './shlex.js';
import { emptyInventory } from './types.js';
import { parseYamlInventory } from './yaml.js';

// The oracle for all of this is the real ansible-inventory (test/import/ansible/oracle.test.ts); these pin the
// small rules with examples worked out by hand from Ansible's sources.
describe('Ansible host patterns', () => {
  it('expands numeric, zero-padded, stepped, alphabetic and repeated ranges', () => {
    expect(expandRanges('web[01:03].example.org')).toEqual(['web01.example.org', 'web02.example.org', 'web03.example.org']);
    expect(expandRanges('db-[a:c]')).toEqual(['db-a', 'db-b', 'db-c']);
    expect(expandRanges('h[1:9:4]')).toEqual(['h1', 'h5', 'h9']);
    expect(expandRanges('r[1:2]n[a:b]')).toEqual(['r1na', 'r1nb', 'r2na', 'r2nb']);
    expect(expandRanges('[:2]x')).toEqual(['0x', '1x', '2x']);
  });
  it('refuses malformed ranges and ranges that would make too many hosts', () => {
    for (const bad of ['w[1]', 'w[1:]', 'w[01:100]', 'w[c:a]', 'w[1:3:0]', 'w[1:9999999]', 'w[1:1000]x[1:1000]', 'w[1:2']) {
      expect(() => expandRanges(bad), bad).toThrow(HostRangeError);
    }
  });
  it('splits a port the way parse_address does', () => {
    expect(splitPort('badwolf.example.com:5309')).toEqual({ pattern: 'badwolf.example.com', port: 5309 });
    expect(splitPort('[2001:db8::1]:2222')).toEqual({ pattern: '2001:db8::1', port: 2222 });
    expect(splitPort('2001:db8::1')).toEqual({ pattern: '2001:db8::1' });
  });
});

describe('INI values (ast.literal_eval)', () => {
  it('reads Python literals and keeps everything else as text', () => {
    expect(pyLiteral('2222')).toBe(2222);
    expect(pyLiteral('22 # ssh')).toBe(22);
    expect(pyLiteral('True')).toBe(true);
    expect(pyLiteral('None')).toBe(null);
    expect(pyLiteral("'a b'")).toBe('a b');
    expect(pyLiteral('[1, "x"]')).toEqual([1, 'x']);
    expect(pyLiteral('{"a": 1}')).toEqual({ a: 1 });
    for (const text of ['yes', '10.0.0.1', '/home/a/key', '0022', 'a b', 'web # x', "'unclosed"]) expect(pyLiteral(text)).toBe(text);
  });
  it('splits host lines like shlex', () => {
    expect(shlexSplit(`h a=b#c d="x y" e='1' f=x\\ y # tail`)).toEqual(['h', 'a=b']);
    expect(shlexSplit(`h d="x \\"y\\"" e='1' f=x\\ y`)).toEqual(['h', 'd=x "y"', 'e=1', 'f=x y']);
    expect(() => shlexSplit('h a="open')).toThrow(/closing/);
  });
});

describe('broken inventories are located problems', () => {
  const ini = (text: string) => parseIni('hosts', text, emptyInventory({ file: 'hosts', line: 1, col: 1 })).map((p) => `${p.line}:${p.col} ${p.message}`);
  it('INI', () => {
    expect(ini('[web]\nh1 a="open\n')).toEqual([expect.stringMatching(/^2:1 cannot read the host line/)]);
    expect(ini('[web]\n  w[1:]\n')).toEqual([expect.stringMatching(/^2:3 host pattern 'w\[1:\]'/)]);
    expect(ini('[web:weird]\n')).toEqual([expect.stringMatching(/^1:1 section \[web:weird\] has an unknown type/)]);
    expect(ini('[web:children]\nnowhere\n')).toEqual([expect.stringMatching(/^2:1 a :children section names the group 'nowhere'/)]);
    expect(ini('[ghost:vars]\nx=1\n')).toEqual([expect.stringMatching(/^1:1 \[ghost:vars\] is for a group that is declared nowhere/)]);
    expect(ini('[web]\nh1 novalue\n')).toEqual([expect.stringMatching(/^2:1 expected key=value/)]);
    expect(ini('[web]\n---\n')).toEqual([expect.stringMatching(/YAML/)]);
    expect(ini('[web]\nh1:\n')).toEqual([expect.stringMatching(/ends in ':'/)]);
  });
  it('YAML', () => {
    const yaml = (text: string) => parseYamlInventory('hosts.yml', text, emptyInventory({ file: 'hosts.yml', line: 1, col: 1 })).map((p) => `${p.line}:${p.col} ${p.message}`);
    expect(yaml('all:\n  hosts:\n    - web1\n')).toEqual([expect.stringMatching(/^3:5 hosts of group 'all' must be a mapping/)]);
    expect(yaml('all:\n  web1:\n    ansible_host: x\n')).toEqual([expect.stringMatching(/^2:3 unexpected key 'web1'/)]);
    expect(yaml('all:\n  hosts:\n    w[3:1]:\n')).toEqual([expect.stringMatching(/^3:5 host pattern/)]);
    expect(yaml('all:\n  hosts: {a: 1, a: 2}\n')).toEqual([expect.stringMatching(/^2:\d+ YAML could not be parsed/)]);
    expect(yaml('all:\n  vars: [1]\n')).toEqual([expect.stringMatching(/vars of group 'all' must be a mapping/)]);
  });
  it('a loop through children', () => {
    const inv = emptyInventory({ file: 'hosts', line: 1, col: 1 });
    expect(parseIni('hosts', '[a]\n[b]\n[a:children]\nb\n[b:children]\na\n', inv)).toEqual([]);
    const r = resolveInventory(inv, { groups: new Map(), hosts: new Map() });
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/loop through children: a → b → a|b → a → b/)]);
  });
});
