import { isInstalled } from '../facts/package-state.js';
import type { Facts } from '../facts/types.js';
import type { ManualCheck } from '../model/types.js';
import { schemeForOs } from '../versioning/index.js';

/** What a manual remediation's check says about one host, from its facts. */
export type CheckVerdict = { state: 'passed' | 'failed'; detail: string } | { state: 'unknown'; detail: string };

/**
 * A manual remediation's automatic check against a host's facts (pure): a package at a version, a file with a
 * sha256, or a command's exit status (run with the facts: engine/manual/commands.ts). Unknown when the facts do not
 * say (the package database unreadable, the command not run).
 */
export function evaluateCheck(id: string, check: ManualCheck, facts: Facts): CheckVerdict {
  if (check.package) {
    const c = check.package;
    if (!facts.packages) return { state: 'unknown', detail: 'the package database could not be read' };
    const p = facts.packages[c.name];
    if (!isInstalled(p)) return { state: 'failed', detail: `${c.name} is not installed` };
    const want = c.version ?? c.min_version;
    if (!want) return { state: 'passed', detail: `${c.name} ${p!.version} is installed` };
    const scheme = facts.os ? schemeForOs(facts.os.id) : null;
    if (!scheme) return { state: 'unknown', detail: 'no version scheme for this OS' };
    let cmp: number;
    try {
      cmp = scheme.compare(p!.version, want);
    } catch {
      return { state: 'unknown', detail: `cannot compare ${p!.version} with ${want}` };
    }
    const ok = c.version ? cmp === 0 : cmp >= 0;
    return { state: ok ? 'passed' : 'failed', detail: `${c.name} ${p!.version} ${ok ? 'is' : 'is not'} ${c.version ? `= ${want}` : `>= ${want}`}` };
  }
  if (check.file) {
    const f = facts.files[check.file.path];
    if (!f) return { state: 'unknown', detail: `${check.file.path} was not examined` };
    if (!f.exists) return { state: 'failed', detail: `${check.file.path} does not exist` };
    if (f.type && f.type !== 'file') return { state: 'failed', detail: `${check.file.path} is a ${f.type}, not a file` };
    if (!f.sha256) return { state: 'unknown', detail: `${check.file.path} could not be hashed` };
    const ok = f.sha256 === check.file.sha256;
    return { state: ok ? 'passed' : 'failed', detail: `${check.file.path} has sha256 ${f.sha256.slice(0, 12)}…${ok ? '' : `, not ${check.file.sha256.slice(0, 12)}…`}` };
  }
  if (check.command) {
    const r = facts.checks?.[id];
    const want = check.command.exit_code ?? 0;
    if (!r) return { state: 'unknown', detail: 'the command was not run (it runs with the facts, where the remediation is approved for the host’s ring)' };
    return { state: r.exit === want ? 'passed' : 'failed', detail: `the command exited with ${r.exit}${r.exit === want ? '' : `, not ${want}`}` };
  }
  return { state: 'unknown', detail: 'the check names nothing to check' };
}
