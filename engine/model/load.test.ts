import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRepository, loadSnapshot } from './load.js';
import { formatProvenance } from './problem.js';

const enc = new TextEncoder();
const snap = (files: Record<string, string>) => ({ commit: null, files: Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) })) });

const inventory = `
systems:
  - { name: web, impact: moderate, owner: Web team }
rings:
  - { name: pilot, soak: 1h, failure_threshold: 1 }
  - { name: broad, failure_threshold: "10%" }
board:
  members:
    - { id: alice, name: Alice, email: alice@example.org }
    - { id: bob, name: Bob, email: bob@example.org }
hosts:
  - name: web-1
    address: 10.0.0.1
    system: web
    baseline: child
    ring: pilot
`;
const parent = `
name: parent
platform: { os: debian, versions: ">= 12" }
variables: { who: parent }
packages:
  required: [{ name: openssh-server }, { name: telnetd }]
  forbidden: [{ name: rsh-server }]
settings:
  - file: /etc/ssh/sshd_config
    values: { PermitRootLogin: "no", X11Forwarding: "no" }
services: { ssh: enabled, rsync: disabled }
sysctl: { net.ipv4.ip_forward: 0 }
`;
const child = `
name: child
extends: parent
variables: { who: child }
packages:
  forbidden: [{ name: telnetd }]
  required: [{ name: rsh-server }]
settings:
  - file: /etc/ssh/sshd_config
    values: { X11Forwarding: "yes" }
services: { rsync.service: enabled }
`;

describe('loadSnapshot', () => {
  const { model, problems } = loadSnapshot(snap({ 'inventory/main.yaml': inventory, 'baselines/parent.yaml': parent, 'baselines/child.yaml': child }));

  it('loads clean input without problems', () => {
    expect(problems).toEqual([]);
    expect([...model.hosts.keys()]).toEqual(['web-1']);
    expect(model.rings.map((r) => r.name)).toEqual(['pilot', 'broad']);
  });

  it('records file, line and column for every object', () => {
    const h = model.hosts.get('web-1')!;
    expect(h.source).toMatchObject({ file: 'inventory/main.yaml', line: 12, col: 5, pointer: '/hosts/0', commit: null });
    expect(formatProvenance(h.source)).toBe('inventory/main.yaml:12@worktree');
  });

  it('merges extends by key, child last, keeping where each entry was declared', () => {
    const b = model.resolvedBaselines.get('child')!;
    expect(b.chain).toEqual(['parent', 'child']);
    expect(b.packages.required.map((p) => p.name).sort()).toEqual(['openssh-server', 'rsh-server']);
    expect(b.packages.forbidden.map((p) => p.name)).toEqual(['telnetd']);
    const x11 = b.settings.find((s) => s.key === 'X11Forwarding')!;
    expect(x11).toMatchObject({ value: 'yes', source: { file: 'baselines/child.yaml', line: 10 } });
    const root = b.settings.find((s) => s.key === 'PermitRootLogin')!;
    expect(root).toMatchObject({ value: 'no', syntax: 'space', source: { file: 'baselines/parent.yaml' } });
    expect(b.services).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'ssh.service', state: 'enabled' }),
        expect.objectContaining({ name: 'rsync.service', state: 'enabled', source: expect.objectContaining({ file: 'baselines/child.yaml' }) }),
      ]),
    );
    expect(b.sysctl).toEqual([expect.objectContaining({ key: 'net.ipv4.ip_forward', value: '0' })]);
    expect(b.variables).toEqual({ who: 'child' });
    expect(b.platform).toMatchObject({ os: 'debian', source: { file: 'baselines/parent.yaml' } });
  });

  it('reports every problem at once, each located', () => {
    const bad = loadSnapshot(
      snap({
        'inventory/main.yaml': inventory.replace('ring: pilot', 'ring: canary').replace('impact: moderate', 'impact: huge'),
        'baselines/parent.yaml': parent.replace('name: parent', 'name: parent\nextends: child'),
        'baselines/child.yaml': child,
      }),
    );
    const codes = bad.problems.map((p) => `${p.code}@${p.file}:${p.line}`);
    expect(codes).toEqual(expect.arrayContaining(['schema@inventory/main.yaml:3', 'dangling-reference@inventory/main.yaml:16', expect.stringMatching(/^extends-cycle@baselines\//)]));
    // The host's system failed its schema: no second, misleading "dangling system" message.
    expect(bad.problems.filter((p) => p.message.includes("system 'web'"))).toEqual([]);
  });

  it('warns about expired approvals and exceptions with an injected clock', () => {
    const files = {
      'inventory/main.yaml': inventory,
      'baselines/parent.yaml': parent,
      'baselines/child.yaml': child,
      'remediations/R-1.yaml': 'id: R-1\ntitle: t\nseverity: low\nkind: removal\nselector: {}\naction: { remove: [telnetd] }\nproposed_by: carol\n',
      'remediations/approvals/A-1.yaml': 'id: A-1\nremediation: R-1\nrings: [pilot]\napprover: bob\ndate: 2024-01-01\nticket: C-1\nexpires: 2024-06-30\n',
    };
    const onDay = loadSnapshot(snap(files), { now: new Date('2024-06-30T20:00:00Z') });
    expect(onDay.problems.filter((p) => p.code === 'approval-expired')).toEqual([]);
    const after = loadSnapshot(snap(files), { now: new Date('2024-07-01T00:00:01Z') });
    expect(after.problems).toEqual([expect.objectContaining({ code: 'approval-expired', severity: 'warning', file: 'remediations/approvals/A-1.yaml', line: 7 })]);
  });
});

/** The real git, for setting up repositories only: plumb itself reads them through isomorphic-git. */
const gitIn = (dir: string) => (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { encoding: 'utf8' }).trim();

/** A repository whose first commit holds the inventory and the two baselines above. */
function initRepo(dir: string, git: ReturnType<typeof gitIn>): void {
  git('init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'inventory'));
  mkdirSync(join(dir, 'baselines'));
  writeFileSync(join(dir, 'inventory/main.yaml'), inventory);
  writeFileSync(join(dir, 'baselines/parent.yaml'), parent);
  writeFileSync(join(dir, 'baselines/child.yaml'), child);
  git('add', '.');
  git('commit', '-qm', 'one');
}

describe('loadRepository from git', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = gitIn(dir);

  it('reads a commit without the working tree, stamping the commit on every object', async () => {
    initRepo(dir, git);
    const sha = git('rev-parse', 'HEAD');
    git('tag', '-a', 'v1', '-m', 'annotated');
    writeFileSync(join(dir, 'baselines/child.yaml'), 'name: child\nextends: nowhere\n');

    const committed = await loadRepository(dir, 'main');
    expect(committed.problems).toEqual([]);
    expect(committed.model.commit).toBe(sha);
    expect(committed.model.hosts.get('web-1')!.source.commit).toBe(sha);
    expect((await loadRepository(dir, 'v1')).model.commit).toBe(sha);
    expect((await loadRepository(dir, sha.slice(0, 8))).model.commit).toBe(sha);

    const worktree = await loadRepository(dir);
    expect(worktree.model.commit).toBeNull();
    expect(worktree.problems.map((p) => p.code)).toContain('dangling-reference');
  });

  it('names an unknown ref with a stable error code', async () => {
    await expect(loadRepository(dir, 'no-such-branch')).rejects.toMatchObject({ code: 'E_GIT' });
  });
});

describe('the check cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = gitIn(dir);

  it('gives the same model from the cache as from parsing, and survives a damaged cache file', async () => {
    initRepo(dir, git);
    const fresh = await loadRepository(dir, 'main', { cache: false });
    const first = await loadRepository(dir, 'main');
    const cached = await loadRepository(dir, 'main');
    for (const r of [first, cached]) {
      expect(r.problems).toEqual(fresh.problems);
      expect(r.digest).toBe(fresh.digest);
      expect(r.model.hosts.get('web-1')!.source).toEqual(fresh.model.hosts.get('web-1')!.source);
      expect(r.model.resolvedBaselines.get('child')).toEqual(fresh.model.resolvedBaselines.get('child'));
    }
    writeFileSync(join(dir, '.plumb/cache/checked.json'), '{ not json');
    expect((await loadRepository(dir, 'main')).model.hosts.size).toBe(1);
  });

  it('never serves a stale result: an edited file is parsed again, and a file with problems is never cached', async () => {
    writeFileSync(join(dir, 'baselines/child.yaml'), 'name: child\nextends: nowhere\n');
    git('commit', '-qam', 'two');
    const r1 = await loadRepository(dir, 'main');
    const r2 = await loadRepository(dir, 'main');
    expect(r1.problems.map((p) => p.code)).toContain('dangling-reference');
    expect(r2.problems).toEqual(r1.problems);
    writeFileSync(join(dir, 'baselines/child.yaml'), 'name: child\npakages: {}\n');
    git('commit', '-qam', 'three');
    expect((await loadRepository(dir, 'main')).problems.map((p) => p.code)).toContain('schema');
    expect((await loadRepository(dir, 'main')).problems.map((p) => p.code)).toContain('schema');
  });
});
