import { createInterface } from 'node:readline';
import { InvalidVersion } from '../../errors/versioning.js';
import { UsageError } from '../../errors/index.js';
import { getScheme, type VersionSchemePlugin } from '../../versioning/index.js';
import { colours, plural, printJson } from '../output.js';
import { comparePair, compareLine, type PairResult } from './compare.js';

export async function compareAction(a: string | undefined, b: string | undefined, opts: { scheme: string; json?: boolean }) {
  const scheme = getScheme(opts.scheme);
  if (a !== undefined && b === undefined) throw new UsageError('give two versions, or none to read "A B" pairs from stdin', `plumb version compare --scheme ${scheme.id} ${a} <other-version>`);
  process.exitCode = a !== undefined && b !== undefined ? compareArguments(scheme, a, b, Boolean(opts.json)) : await compareStdin(scheme, Boolean(opts.json));
}


function compareArguments(scheme: VersionSchemePlugin, a: string, b: string, json: boolean): number {
  const { line: _line, ...r } = comparePair(scheme, a, b);
  if (json) {
    printJson({ scheme: scheme.id, ...r });
    return r.order ? 0 : 1;
  }
  for (const v of [a, b]) {
    const d = scheme.diagnose(v);
    if (d?.severity === 'error') throw new InvalidVersion(scheme.id, v, d.message);
  }
  const c = colours(process.stderr);
  for (const p of r.problems) process.stderr.write(`${c.yellow('plumb: warning:')} ${p.message}\n`);
  process.stdout.write(`${r.order}\n`);
  return 0;
}

async function compareStdin(scheme: VersionSchemePlugin, json: boolean): Promise<number> {
  const c = colours(process.stderr);
  if (process.stdin.isTTY) process.stderr.write(c.dim(`reading "A B" pairs from stdin, one per line (Ctrl-D ends)\n`));
  const results: PairResult[] = [];
  let out = '';
  let errors = 0;
  let warnings = 0;
  let lineNo = 0;
  for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    lineNo++;
    const r = compareLine(scheme, text, lineNo);
    if (!r) continue;
    for (const p of r.problems) {
      if (p.severity === 'error') errors++;
      else warnings++;
      if (!json) process.stderr.write(`stdin:${lineNo}: ${p.severity === 'error' ? c.red('error') : c.yellow('warning')}: ${p.message}\n`);
    }
    if (json) results.push(r);
    else {
      out += `${r.order ?? '!'}\n`;
      // Batched writes: one syscall per line would dominate the run time on large inputs.
      if (out.length > 65536) {
        if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        out = '';
      }
    }
  }
  if (json) printJson({ scheme: scheme.id, pairs: results.length, errors, warnings, results });
  else {
    process.stdout.write(out);
    if (errors) process.stderr.write(`${c.red(`plumb: ${plural(errors, 'line')} could not be compared`)}\n`);
  }
  return errors ? 1 : 0;
}
