import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/**
 * One owner per file, and actions that match the remediation's kind. A file managed whole and also edited key by key
 * would flap between two truths on every run, so that is refused rather than resolved silently.
 */
export function checkOwnership(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const declaredIn = new Map([...model.baselines.values()].map((b) => [b.source.file, b.name]));
  for (const b of model.resolvedBaselines.values()) {
    // Report a conflict where the later of the two declarations in the extends chain stands: that is the edit that caused it.
    const rank = (file: string) => b.chain.indexOf(declaredIn.get(file) ?? '');
    const managed = new Map(b.files.map((f) => [f.path, f]));
    const keysIn = new Map<string, typeof b.settings>();
    const syntaxOf = new Map<string, string>();
    for (const s of b.settings) {
      if (managed.has(s.file)) keysIn.set(s.file, [...(keysIn.get(s.file) ?? []), s]);
      const prev = syntaxOf.get(s.file);
      if (prev && prev !== s.syntax) {
        problems.push(problemAt(s.source, 'syntax-conflict', `baseline '${b.name}' reads ${s.file} with both '${prev}' and '${s.syntax}' syntax`, { hint: 'one file has one syntax' }));
      }
      syntaxOf.set(s.file, s.syntax);
    }
    for (const [path, settings] of keysIn) {
      const f = managed.get(path)!;
      const s = settings[0]!;
      const at = rank(f.source.file) >= rank(s.source.file) ? f.source : s.source;
      problems.push(
        problemAt(at, 'file-conflict', `baseline '${b.name}' manages ${path} as a whole file and also sets ${settings.map((x) => `'${x.key}'`).join(', ')} inside it`, {
          hint: `the file is declared at ${f.source.file}:${f.source.line}, the settings at ${s.source.file}:${s.source.line}; put the settings into the file's content, or stop managing the whole file`,
        }),
      );
    }
  }
  for (const r of model.remediations.values()) {
    const a = r.action ?? {};
    const config = Boolean(a.files?.length || a.settings?.length || Object.keys(a.services ?? {}).length || Object.keys(a.sysctl ?? {}).length);
    const at = ctx.locate(r.source.file, '/action');
    if (r.kind === 'patch' && !a.packages?.length) {
      problems.push(problemAt(at, 'action-kind', `remediation '${r.id}' is a patch but names no packages to install`, { hint: 'add action.packages with the fixed versions, or change kind' }));
    }
    if (r.kind === 'removal' && !a.remove?.length) {
      problems.push(problemAt(at, 'action-kind', `remediation '${r.id}' is a removal but names nothing to remove`, { hint: 'add action.remove, or change kind' }));
    }
    if (r.kind === 'configuration' && !config) {
      problems.push(problemAt(at, 'action-kind', `remediation '${r.id}' is a configuration change but changes no files, settings, services or sysctl`, { hint: 'add the change under action, or change kind' }));
    }
    const installs = new Set(a.packages?.map((p) => p.name));
    a.remove?.forEach((name, i) => {
      if (installs.has(name)) problems.push(problemAt(ctx.locate(r.source.file, `/action/remove/${i}`), 'action-conflict', `remediation '${r.id}' both installs and removes '${name}'`));
    });
  }
  return problems;
}
