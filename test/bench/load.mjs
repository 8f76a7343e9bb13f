// npm run bench:load — load and validate a generated organization (5,000 hosts, 200 baselines,
// 3,000 remediations) from a git commit. Target: ≤ 3 s on a 2-core machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrganization } from './generate-org.mjs';
import { loadRepository } from '../../dist/engine/model/load.js';

const dir = mkdtempSync(join(tmpdir(), 'plumb-bench-load-'));
try {
  const t0 = performance.now();
  generateOrganization(dir);
  const git = (...a) => execFileSync('git', ['-C', dir, '-c', 'user.name=bench', '-c', 'user.email=b@example.org', ...a], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'generated organization');
  console.log(`generated and committed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const runs = [];
  for (const layout of ['loose objects', 'packed (git gc)']) {
    if (layout.startsWith('packed')) git('gc', '-q');
    // Cold: no .plumb/cache (a fresh clone, or the first run after an upgrade); warm: the cache the cold run left.
    for (const [i, temperature] of ['cold', 'cold', 'warm', 'warm'].entries()) {
      if (temperature === 'cold') rmSync(join(dir, '.plumb'), { recursive: true, force: true });
      const s = performance.now();
      const r = await loadRepository(dir, 'main');
      const secs = (performance.now() - s) / 1000;
      const errors = r.problems.filter((p) => p.severity === 'error');
      if (errors.length) throw new Error(`generated organization is invalid: ${errors[0].file}:${errors[0].line} ${errors[0].message}`);
      runs.push({ layout, temperature, run: i + 1, secs, docs: r.documents, hosts: r.model.hosts.size, baselines: r.model.resolvedBaselines.size, remediations: r.model.remediations.size });
    }
  }
  for (const r of runs) console.log(`${r.layout.padEnd(16)} ${r.temperature} run ${r.run}: ${r.secs.toFixed(2)} s  (${r.docs} documents: ${r.hosts} hosts, ${r.baselines} baselines, ${r.remediations} remediations)`);
  for (const t of ['cold', 'warm']) {
    const xs = runs.filter((r) => r.temperature === t).map((r) => r.secs);
    console.log(`${t} load + validate from a commit: best ${Math.min(...xs).toFixed(2)} s, worst ${Math.max(...xs).toFixed(2)} s; target ≤ 3 s → ${Math.max(...xs) <= 3 ? 'MET' : 'MISSED'}`);
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
