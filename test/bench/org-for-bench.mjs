// The benchmarks' desired-state repository: the example organization plus a lab's hosts (plain JS twin of
// test/support/org.ts, which vitest compiles but node cannot run directly).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export class Org {
  constructor(labInventory, rings = 'rings:\n  - { name: pilot, soak: 0, failure_threshold: 1 }\n  - { name: broad, soak: 0, failure_threshold: "50%" }\n') {
    this.dir = mkdtempSync(join(tmpdir(), 'plumb-bench-org-'));
    cpSync(join(ROOT, 'baselines'), join(this.dir, 'baselines'), { recursive: true });
    mkdirSync(join(this.dir, 'remediations/approvals'), { recursive: true });
    this.write('inventory/board.yaml', readFileSync(join(ROOT, 'inventory/board.yaml'), 'utf8'));
    this.write('inventory/systems.yaml', readFileSync(join(ROOT, 'inventory/systems.yaml'), 'utf8').replace(/^\s+window: .*\n/gm, ''));
    this.write('inventory/rollout.yaml', rings);
    this.write('inventory/lab.yaml', readFileSync(labInventory, 'utf8'));
    this.git('init', '-q', '-b', 'main');
    this.commit('bench organization');
  }
  write(path, text) {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
    return this;
  }
  git(...args) {
    return execFileSync('git', ['-C', this.dir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.org', ...args], { encoding: 'utf8' }).trim();
  }
  commit(message) {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }
  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
