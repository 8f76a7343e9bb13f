import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../model/load.js';
import type { Model, RemediationEntry } from '../model/types.js';
import { label } from '../secrets/rules.js';
import { assemblePlan } from './assemble.js';
import { planDifferences } from './compare.js';
import { compliantFacts } from './fixtures.test-helper.js';
import { renderHuman } from './render/human.js';
import { renderMarkdown } from './render/markdown.js';

/** The plan against what a hostile host or a careless remediation can put in it: secrets, links, markup. Pure. */
const root = fileURLToPath(new URL('../..', import.meta.url));
const now = new Date('2026-11-25T12:00:00Z');
let model: Model;
beforeAll(async () => {
  model = (await loadRepository(root)).model;
});
const plain = { red: String, yellow: String, green: String, cyan: String, dim: String, bold: String } as never;
const SECRET = 'correct-horse-battery-staple';
const OLD = 'old-secret-value';

function withRemediation(r: Partial<RemediationEntry> & Pick<RemediationEntry, 'action'>, approved = true): Model {
  const base = model.remediations.get('PLB-2026-0002')!;
  const rem = { ...base, id: 'PLB-T-1', selector: { platforms: [{ os: 'debian' }] }, kind: 'configuration' as const, emergency: false, ...r };
  const apr = model.approvals.get('APR-2026-0002')!;
  return { ...model, remediations: new Map([...model.remediations, [rem.id, rem]]), approvals: approved ? new Map([...model.approvals, ['APR-T-1', { ...apr, id: 'APR-T-1', remediation: rem.id, emergency: false }]]) : model.approvals };
}

describe('secrets in plans', () => {
  it('shows a secret setting only as its label, in every rendering', () => {
    const m = withRemediation({ action: { settings: [{ file: '/etc/mysql/debian.cnf', syntax: 'equals', values: { password: SECRET } }] } });
    const facts = compliantFacts(m, m.hosts.get('wiki-01')!);
    facts.files['/etc/mysql/debian.cnf'] = { exists: true, type: 'file', mode: '0600', owner: 'root', group: 'root', sha256: 'a'.repeat(64), sensitive: true };
    facts.settings['/etc/mysql/debian.cnf'] = { password: label(OLD) };
    const plan = assemblePlan(m, [{ host: 'wiki-01', facts, digest: 'd' }], { now });
    const a = plan.hosts[0]!.actions.find((x) => x.type === 'setting-set')!;
    expect(a).toMatchObject({ value: label(SECRET), before: label(OLD), after: label(SECRET), sensitive: true });
    for (const text of [JSON.stringify(plan), renderHuman(plan, plain), renderMarkdown(plan)]) {
      expect(text).not.toContain(SECRET);
      expect(text).toContain(label(SECRET));
    }
  });

  it('compares a secret by hash: the right value plans nothing', () => {
    const m = withRemediation({ action: { settings: [{ file: '/etc/mysql/debian.cnf', syntax: 'equals', values: { password: SECRET } }] } });
    const facts = compliantFacts(m, m.hosts.get('wiki-01')!);
    facts.files['/etc/mysql/debian.cnf'] = { exists: true, type: 'file', sensitive: true };
    facts.settings['/etc/mysql/debian.cnf'] = { password: label(SECRET) };
    expect(assemblePlan(m, [{ host: 'wiki-01', facts, digest: 'd' }], { now }).hosts[0]!.actions.filter((x) => x.type === 'setting-set')).toEqual([]);
  });

  it('keeps a private key written by a file action out of the plan: only its sha256', () => {
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${SECRET}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const m = withRemediation({ action: { files: [{ path: '/etc/app/tls.pem', content: key, mode: '0600' }] } });
    const facts = compliantFacts(m, m.hosts.get('wiki-01')!);
    facts.files['/etc/app/tls.pem'] = { exists: false };
    const plan = assemblePlan(m, [{ host: 'wiki-01', facts, digest: 'd' }], { now });
    const a = plan.hosts[0]!.actions.find((x) => x.type === 'file-write')!;
    expect(a).toMatchObject({ sensitive: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect('content' in a).toBe(false);
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });
});

describe('links and the directories above a managed path', () => {
  it('reports a planted link as a finding of its own, never as a chmod through it', () => {
    const facts = compliantFacts(model, model.hosts.get('wiki-01')!);
    facts.files['/etc/shadow'] = { exists: true, type: 'symlink', target: '/etc/passwd', mode: '0777', owner: 'root', group: 'root' };
    const h = assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }], { now }).hosts[0]!;
    expect(h.actions.filter((a) => a.type === 'file-attributes')).toEqual([]);
    expect(h.unresolvable.map((u) => u.finding)).toContain('file-type:/etc/shadow');
    expect(h.unresolvable.find((u) => u.finding === 'file-type:/etc/shadow')!.message).toMatch(/symbolic link to \/etc\/passwd/);
  });

  it("names a parent directory that is a link, someone else's, or writable by others", () => {
    const cases: Array<[Record<string, { type: string; mode: string; owner: string; target?: string }>, RegExp]> = [
      [{ '/': { type: 'directory', mode: '0755', owner: 'root' }, '/etc': { type: 'symlink', mode: '0777', owner: 'root', target: '/tmp/x' } }, /parent \/etc is a symbolic link to \/tmp\/x/],
      [{ '/': { type: 'directory', mode: '0755', owner: 'root' }, '/etc': { type: 'directory', mode: '0755', owner: 'mallory' } }, /parent \/etc is owned by mallory, not by root/],
      [{ '/': { type: 'directory', mode: '0755', owner: 'root' }, '/etc': { type: 'directory', mode: '1777', owner: 'root' } }, /parent \/etc is writable by others \(mode 1777\)/],
    ];
    for (const [dirs, why] of cases) {
      const facts = compliantFacts(model, model.hosts.get('wiki-01')!);
      facts.dirs = dirs;
      facts.files['/etc/shadow']!.mode = '0644';
      const h = assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }], { now }).hosts[0]!;
      expect(h.actions.filter((a) => a.type === 'file-attributes' || a.type === 'setting-set')).toEqual([]);
      expect(h.unresolvable.find((u) => u.finding === 'file-parent:/etc/shadow')?.message).toMatch(why);
    }
  });
});

describe('a hostile host in the plan', () => {
  it('fails only the host whose facts the diff cannot use', () => {
    const facts = compliantFacts(model, model.hosts.get('wiki-01')!, { 'openssh-server': ['1:9.2p1 evil', 'openssh'] });
    const good = compliantFacts(model, model.hosts.get('build-01')!);
    const plan = assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }, { host: 'build-01', facts: good, digest: 'e' }], { now });
    expect(plan.hosts.find((h) => h.host === 'wiki-01')!.error?.code).toBe('E_FACTS_INVALID');
    expect(plan.hosts.find((h) => h.host === 'build-01')!.error).toBeUndefined();
  });

  it('puts what a host reported into code spans in the Markdown comment: no link, image or mention', () => {
    const facts = compliantFacts(model, model.hosts.get('wiki-01')!);
    facts.settings['/etc/ssh/sshd_config']!.PermitRootLogin = 'yes [click](https://evil.example) ![x](https://evil.example/p.png) @org/team `tick` | pipe <img src=x> \u001b]52;c;aGk=\u0007';
    const md = renderMarkdown(assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }], { now }));
    const outside = md.replace(/(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '').replace(/<code>[^<]*<\/code>/g, '');
    expect(outside).not.toMatch(/@org|\]\(|<img|evil\.example/);
    expect(md).not.toMatch(/\u001b|\u0007/);
    expect(md).toContain('\\u001b]52');
  });
});

describe('a saved plan against the fresh one', () => {
  it('finds nothing between two plans of the same facts, and names every tampered field', () => {
    const facts = compliantFacts(model, model.hosts.get('wiki-01')!, { telnetd: ['0.17', 'inetutils'] });
    const fresh = assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }], { now });
    const again = assemblePlan(model, [{ host: 'wiki-01', facts, digest: 'd' }], { now: new Date(now.getTime() + 60_000) });
    expect(planDifferences(again, fresh)).toEqual([]);
    const tampered = JSON.parse(JSON.stringify(fresh));
    tampered.hosts[0].actions[0].name = 'openssh-server';
    tampered.hosts[0].actions.push({ ...tampered.hosts[0].actions[0], id: 'wiki-01#99' });
    const d = planDifferences(tampered, fresh);
    expect(d).toContain('wiki-01#1: name is "openssh-server" in the saved plan, "telnetd" now');
    expect(d).toContain('wiki-01#99: in the saved plan, not in the fresh one');
  });
});
