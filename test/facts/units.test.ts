import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatherInput } from '../../engine/facts/gather.js';
import { emptyRequest } from '../../engine/facts/request.js';

/**
 * The gather script settles most unit states from the unit directories itself (engine/facts/gather-units.sh) and
 * asks systemctl only for the rest. Every state it reports must be the one `systemctl --root=/ is-enabled` gives:
 * checked for every unit file of this machine, and for units made here to meet each rule (root only).
 */
const hasSystemctl = spawnSync('systemctl', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;
const shells = [['/bin/dash'], ...(existsSync('/usr/bin/busybox') ? [['/usr/bin/busybox', 'sh']] : [])];

interface UnitRecord {
  name: string;
  state: string;
  by: string;
}

/** The script's service records (with `by`, which Facts leave out) for `units`. */
function unitRecords(shell: string[], units: string[]): Map<string, UnitRecord> {
  const r = spawnSync(shell[0]!, shell.slice(1), { input: gatherInput({ ...emptyRequest(), services: units }), env: { PATH: process.env.PATH }, maxBuffer: 64 << 20 });
  const out = new Map<string, UnitRecord>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (!line.startsWith('{"t":"service"')) continue;
    const rec = JSON.parse(line) as UnitRecord;
    out.set(rec.name, rec);
  }
  return out;
}

const truth = (unit: string) => spawnSync('systemctl', ['--root=/', 'is-enabled', unit], { encoding: 'utf8' }).stdout.split('\n')[0] || 'not-found';

describe.skipIf(!hasSystemctl)('unit states without systemctl, where the unit directories settle them', () => {
  it("agree with systemctl for every unit file on this machine, and settle most of them", () => {
    const names = new Set<string>(['nonexistent-plumb.service']);
    for (const d of ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system', '/run/systemd/system']) {
      if (!existsSync(d)) continue;
      // Units that other test runs make and remove (plumb-…) could change between the script and systemctl.
      for (const n of readdirSync(d)) if (/^[A-Za-z0-9@._:-]+\.(service|socket|target|timer|path|mount|automount|swap|slice)$/.test(n) && !n.startsWith('plumb-')) names.add(n);
    }
    const units = [...names].sort();
    for (const shell of shells) {
      const recs = unitRecords(shell, units);
      expect(recs.size, shell.join(' ')).toBe(units.length);
      for (const u of units) expect(`${u} ${recs.get(u)!.state}`, shell.join(' ')).toBe(`${u} ${truth(u)}`);
      const settled = [...recs.values()].filter((r) => r.by === 'files').length;
      expect(settled / units.length).toBeGreaterThan(0.5);
    }
  });

  describe.skipIf(!isRoot)('units made to meet each rule', () => {
    it('settle the plain cases from files, leave the rest to systemctl, and agree with it on all', () => {
      const etc = '/etc/systemd/system';
      const p = `plumb-rule-${process.pid}`;
      const outside = mkdtempSync(join(tmpdir(), 'plumb-units-'));
      const made: string[] = [];
      const unit = (name: string, text: string) => {
        writeFileSync(join(etc, name), text);
        made.push(join(etc, name));
      };
      const link = (target: string, at: string) => {
        mkdirSync(join(at, '..'), { recursive: true });
        symlinkSync(target, at);
        made.push(at);
      };
      const svc = '[Unit]\nDescription=test\n[Service]\nExecStart=/bin/true\n';
      const cases: Record<string, string> = {};
      try {
        unit(`${p}-disabled.service`, `${svc}[Install]\nWantedBy=multi-user.target\n`);
        cases[`${p}-disabled.service`] = 'files';
        unit(`${p}-static.service`, svc);
        cases[`${p}-static.service`] = 'files';
        unit(`${p}-indirect.service`, `${svc}[Install]\nAlso=${p}-disabled.service\n`);
        cases[`${p}-indirect.service`] = 'files';
        unit(`${p}-spaced.service`, `${svc}[Install]\n  WantedBy = multi-user.target  \n`);
        cases[`${p}-spaced.service`] = 'files';
        unit(`${p}-reset.service`, `${svc}[Install]\nWantedBy=multi-user.target\nWantedBy=\n`);
        cases[`${p}-reset.service`] = 'files';
        unit(`${p}-enabled.service`, `${svc}[Install]\nWantedBy=multi-user.target\n`);
        link(join(etc, `${p}-enabled.service`), join(etc, 'multi-user.target.wants', `${p}-enabled.service`));
        cases[`${p}-enabled.service`] = 'files';
        link('/dev/null', join(etc, `${p}-masked.service`));
        cases[`${p}-masked.service`] = 'files';
        unit(`${p}-empty.service`, '');
        cases[`${p}-empty.service`] = 'files';
        // Left to systemctl: an alias link, the alias itself, a linked unit file, a drop-in, a continued line,
        // a link that points at the unit under another name, a template and its instance.
        unit(`${p}-aliased.service`, `${svc}[Install]\nWantedBy=multi-user.target\nAlias=${p}-alias.service\n`);
        link(join(etc, `${p}-aliased.service`), join(etc, `${p}-alias.service`));
        cases[`${p}-aliased.service`] = 'systemctl';
        cases[`${p}-alias.service`] = 'systemctl';
        writeFileSync(join(outside, `${p}-linked.service`), `${svc}[Install]\nWantedBy=multi-user.target\n`);
        link(join(outside, `${p}-linked.service`), join(etc, `${p}-linked.service`));
        cases[`${p}-linked.service`] = 'systemctl';
        unit(`${p}-dropin.service`, svc);
        mkdirSync(join(etc, `${p}-dropin.service.d`));
        made.push(join(etc, `${p}-dropin.service.d`));
        writeFileSync(join(etc, `${p}-dropin.service.d`, 'install.conf'), '[Install]\nWantedBy=multi-user.target\n');
        cases[`${p}-dropin.service`] = 'systemctl';
        unit(`${p}-continued.service`, `${svc}[Install]\nWantedBy=\\\n multi-user.target\n`);
        cases[`${p}-continued.service`] = 'systemctl';
        unit(`${p}-other.service`, `${svc}[Install]\nWantedBy=multi-user.target\n`);
        link(join(etc, `${p}-other.service`), join(etc, 'multi-user.target.wants', `${p}-othername.service`));
        cases[`${p}-other.service`] = 'systemctl';
        unit(`${p}-tmpl@.service`, `${svc}[Install]\nWantedBy=multi-user.target\n`);
        cases[`${p}-tmpl@.service`] = 'systemctl';
        cases[`${p}-tmpl@a.service`] = 'systemctl';

        for (const shell of shells) {
          const recs = unitRecords(shell, Object.keys(cases));
          for (const [u, by] of Object.entries(cases)) {
            expect(`${u} ${recs.get(u)?.state}`, shell.join(' ')).toBe(`${u} ${truth(u)}`);
            expect(`${u} ${recs.get(u)?.by}`, shell.join(' ')).toBe(`${u} ${by}`);
          }
        }
      } finally {
        for (const m of made.reverse()) rmSync(m, { recursive: true, force: true });
        rmSync(outside, { recursive: true, force: true });
        // systemctl link/enable may have left nothing behind, but make sure no test link outlives the test.
        execFileSync('sh', ['-c', `rm -f /etc/systemd/system/*.wants/${p}-*`]);
      }
    });
  });
});
