import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readAnsible } from '../../../engine/import/ansible/read.js';
import { ansibleInventory, ansibleSkipReason } from './oracle.js';

// Inventories in the shapes of Ansible's own documentation (fixtures/), each read by plumb and by the real
// ansible-inventory --list (Debian's ansible-core): the host sets, groups and variables must agree exactly.
const skip = ansibleSkipReason();
if (skip) console.warn(`test/import/ansible/oracle.test.ts skipped: ${skip}`);
const fixture = (p: string) => fileURLToPath(new URL(`fixtures/${p}`, import.meta.url));

describe.skipIf(skip)('Ansible inventories: plumb agrees with ansible-inventory --list', () => {
  for (const name of ['docs-ini/hosts', 'docs-yaml/hosts.yml', 'dir-inventory']) {
    it(name, () => {
      const ours = readAnsible(fixture(name));
      expect(ours.problems).toEqual([]);
      const theirs = ansibleInventory(fixture(name));
      expect(ours.hosts.map((h) => h.name).sort()).toEqual(Object.keys(theirs.hostvars).sort());
      for (const h of ours.hosts) {
        const vars = Object.fromEntries([...h.vars].map(([k, v]) => [k, v.value]));
        expect({ host: h.name, vars }).toEqual({ host: h.name, vars: theirs.hostvars[h.name] });
        expect({ host: h.name, groups: [...h.groups].sort() }).toEqual({ host: h.name, groups: theirs.groups[h.name] });
      }
    });
  }
});
