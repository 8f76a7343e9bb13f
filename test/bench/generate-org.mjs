// Deterministic generator of a large organization for benchmarks: hosts, baselines, remediations, approvals.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateOrganization(dir, { hosts = 5000, baselines = 200, remediations = 3000, hostsPerFile = 100 } = {}) {
  for (const d of ['inventory/hosts', 'baselines', 'remediations/approvals', 'remediations/exceptions']) mkdirSync(join(dir, d), { recursive: true });
  const systems = Array.from({ length: 40 }, (_, i) => `sys-${i}`);
  writeFileSync(
    join(dir, 'inventory/org.yaml'),
    [
      'systems:',
      ...systems.map((s, i) => `  - { name: ${s}, impact: ${['low', 'moderate', 'high'][i % 3]}, owner: Owner ${i}, window: nightly }`),
      'rings:',
      '  - { name: pilot, soak: 24h, failure_threshold: 1 }',
      '  - { name: early, soak: 12h, failure_threshold: "5%" }',
      '  - { name: broad, soak: 0, failure_threshold: "10%" }',
      'windows:',
      '  - name: nightly',
      '    timezone: Europe/Berlin',
      '    slots: [{ days: [mon, tue, wed, thu, fri], start: "22:00", end: "04:00" }]',
      'board:',
      '  members:',
      '    - { id: alice, name: Alice, email: alice@example.org }',
      '    - { id: bob, name: Bob, email: bob@example.org }',
      '    - { id: carol, name: Carol, email: carol@example.org }',
      '',
    ].join('\n'),
  );
  for (let b = 0; b < baselines; b++) {
    const parent = b < 10 ? '' : `extends: bl-${b % 10}\n`;
    const pk = Array.from({ length: 20 }, (_, i) => `    - { name: pkg-${b}-${i}, min_version: "1.${i}-1" }`).join('\n');
    writeFileSync(
      join(dir, `baselines/bl-${b}.yaml`),
      `name: bl-${b}\n${parent}platform: { os: debian, versions: ">= 12, < 13" }\nvariables: { team: team-${b} }\npackages:\n  required:\n${pk}\n  forbidden:\n    - { name: telnetd }\nfiles:\n  - path: /etc/shadow\n    mode: "0640"\n    owner: root\n    group: shadow\n  - path: /etc/motd-${b}\n    template: "{{host.name}} of {{vars.team}}"\nsettings:\n  - file: /etc/ssh/sshd_config\n    values: { PermitRootLogin: "no", MaxAuthTries: ${3 + (b % 3)} }\nservices: { ssh: enabled, rsync: disabled }\nsysctl: { net.ipv4.tcp_syncookies: 1 }\n`,
    );
  }
  const rings = ['pilot', 'early', 'broad'];
  for (let f = 0; f * hostsPerFile < hosts; f++) {
    const lines = ['hosts:'];
    for (let h = f * hostsPerFile; h < Math.min(hosts, (f + 1) * hostsPerFile); h++) {
      lines.push(
        `  - name: host-${h}`,
        `    address: 10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`,
        `    system: ${systems[h % systems.length]}`,
        `    baseline: bl-${h % baselines}`,
        `    ring: ${rings[h % 100 === 0 ? 0 : h % 10 === 0 ? 1 : 2]}`,
        `    tags: [${h % 7 === 0 ? 'internet-facing' : 'internal'}]`,
        `    criticality: ${['low', 'medium', 'high', 'critical'][h % 4]}`,
        `    location: DC${h % 3} rack ${h % 40}`,
        `    host_keys: ["SHA256:${Buffer.from(String(h).padStart(32, '0')).toString('base64').slice(0, 43)}"]`,
      );
    }
    writeFileSync(join(dir, `inventory/hosts/hosts-${f}.yaml`), `${lines.join('\n')}\n`);
  }
  for (let r = 0; r < remediations; r++) {
    const id = `PLB-2026-${String(r).padStart(4, '0')}`;
    writeFileSync(
      join(dir, `remediations/${id}.yaml`),
      `id: ${id}\ntitle: Security update ${r}\nadvisories: [CVE-2026-${10000 + r}]\nseverity: ${['critical', 'high', 'medium', 'low'][r % 4]}\nkind: patch\nselector:\n  platforms: [{ os: debian, versions: ">= 12" }]\n  package: { name: src-${r % 500}, source: true, affected: "< 2.${r}-1" }\naction:\n  packages: [{ name: pkg-${r % 500}, version: "2.${r}-1" }]\ndeadline: 2027-06-30\nproposed_by: dave\ncreated: 2026-11-01\n`,
    );
    if (r % 2 === 0) {
      writeFileSync(
        join(dir, `remediations/approvals/APR-${id}.yaml`),
        `id: APR-${id}\nremediation: ${id}\nrings: [pilot, early, broad]\napprover: ${['alice', 'bob', 'carol'][r % 3]}\ndate: 2026-11-02\nticket: CHG-${r}\nexpires: 2027-12-31\n`,
      );
    }
  }
}
