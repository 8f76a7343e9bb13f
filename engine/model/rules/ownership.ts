import { problemAt, type Problem } from '../problem.js';
import type { Model } from '../types.js';
import type { RuleContext } from './index.js';

/**
 * One owner per file, and actions that match the remediation's kind. A file managed whole and also edited key by key
 * would flap between two truths on every run, so that is refused rather than resolved silently.
 */
export function checkOwnership(model: Model, ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const b of model.resolvedBaselines.values()) {
    const managed = new Map(b.files.map((f) => [f.path, f]));
    const syntaxOf = new Map<string, string>();
    for (const s of b.settings) {
      const f = managed.get(s.file);
      if (f) {
        problems.push(
          problemAt(s.source, 'file-conflict', `baseline '${b.name}' manages ${s.file} as a whole file and also sets '${s.key}' inside it`, {
            hint: `put the setting into the file's content (declared at ${f.source.file}:${f.source.line}), or stop managing the whole file`,
          }),
        );
      }
      const prev = syntaxOf.get(s.file);
      if (prev && prev !== s.syntax) {
        problems.push(problemAt(s.source, 'syntax-conflict', `baseline '${b.name}' reads ${s.file} with both '${prev}' and '${s.syntax}' syntax`, { hint: 'one file has one syntax' }));
      }
      syntaxOf.set(s.file, s.syntax);
    }
  }
  for (const r of model.remediations.values()) {
    const a = r.action;
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
