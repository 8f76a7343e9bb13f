import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/engine/cli/main.js');

/**
 * A desired-state repository for integration tests: the example organization's baselines, systems, board and
 * policy, the hosts of a lab, and whatever the test adds — committed with the real git (test set-up only; the
 * engine reads it through isomorphic-git).
 */
export class Org {
  readonly dir: string;

  constructor(labInventory: string, opts: { rings?: string } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'plumb-org-'));
    cpSync(join(ROOT, 'baselines'), join(this.dir, 'baselines'), { recursive: true });
    mkdirSync(join(this.dir, 'inventory'));
    mkdirSync(join(this.dir, 'remediations/approvals'), { recursive: true });
    mkdirSync(join(this.dir, 'remediations/exceptions'), { recursive: true });
    cpSync(join(ROOT, 'inventory', 'board.yaml'), join(this.dir, 'inventory', 'board.yaml'));
    // The example's systems without their maintenance windows: a test runs whenever it runs.
    this.write('inventory/systems.yaml', readFileSync(join(ROOT, 'inventory', 'systems.yaml'), 'utf8').replace(/^\s+window: .*\n/gm, ''));
    this.write('inventory/rollout.yaml', opts.rings ?? RINGS_NO_SOAK);
    this.write('inventory/lab.yaml', readFileSync(labInventory, 'utf8'));
    this.git('init', '-q', '-b', 'main');
    this.commit('the example organization and the lab hosts');
  }

  write(path: string, text: string): this {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path), { force: true });
    return this;
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-C', this.dir, '-c', 'user.name=Test Admin', '-c', 'user.email=admin@example.org', ...args], { encoding: 'utf8' }).trim();
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** Runs the built CLI against this repository. */
  plumb(...args: string[]): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, '-C', this.dir, ...args], { encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Trusts a lab's signed mirror the way an organization trusts its own: a reviewed keyring and a policy entry. */
  trustLabMirror(mirror: { dir: string; url: string; suite: string; components: string[]; architectures: string[] }): this {
    mkdirSync(join(this.dir, 'inventory/keys'), { recursive: true });
    cpSync(join(mirror.dir, 'plumb-lab-mirror.gpg'), join(this.dir, 'inventory/keys/lab-mirror.gpg'));
    return this.write(
      'inventory/policy.yaml',
      `policy:
  mirrors:
    - url: ${mirror.url}
      suites: [${mirror.suite}]
      components: [${mirror.components.join(', ')}]
      architectures: [${mirror.architectures.join(', ')}]
      platform: { os: debian, versions: ">= 12, < 13" }
      keyring: inventory/keys/lab-mirror.gpg
`,
    );
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const RINGS_NO_SOAK = `rings:
  - { name: pilot, soak: 0, failure_threshold: 1 }
  - { name: broad, soak: 0, failure_threshold: "50%" }
`;

export function remediation(r: { id: string; title?: string; kind: 'patch' | 'configuration' | 'removal'; severity?: string; selector: string; action: string; proposedBy?: string; extra?: string }): string {
  return `id: ${r.id}
title: ${r.title ?? r.id}
severity: ${r.severity ?? 'high'}
kind: ${r.kind}
selector:
${r.selector.replace(/^/gm, '  ')}
action:
${r.action.replace(/^/gm, '  ')}
proposed_by: ${r.proposedBy ?? 'dave'}
${r.extra ?? ''}`;
}

export function approval(a: { id: string; remediation: string; rings: string[]; approver?: string; emergency?: boolean }): string {
  return `id: ${a.id}
remediation: ${a.remediation}
rings: [${a.rings.join(', ')}]
approver: ${a.approver ?? 'bob'}
date: 2026-01-01
ticket: CHG-${a.id}
${a.emergency ? 'emergency: true\n' : ''}`;
}
