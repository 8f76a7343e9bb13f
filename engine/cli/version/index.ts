import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { InvalidVersion } from '../../errors/versioning.js';
import { UsageError } from '../../errors/index.js';
import { getScheme, SCHEMES, type VersionSchemePlugin } from '../../versioning/index.js';
import { colours, plural, printJson } from '../output.js';
import { comparePair, compareLine, type PairResult } from './compare.js';

export function registerVersion(program: Command): void {
  const version = program.command('version').description('order package versions exactly as dpkg or rpm would');
  version
    .command('compare')
    .description('compare versions under a scheme: two arguments, or "A B" pairs one per line on stdin')
    .argument('[a]', 'first version (omit both to read pairs from stdin)')
    .argument('[b]', 'second version')
    .requiredOption('--scheme <scheme>', `version scheme: ${SCHEMES.map((s) => s.id).join(' or ')}`)
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Prints <, = or > for A against B: one line per pair, in input order. Blank lines and lines
starting with # are skipped. A line that cannot be compared prints ! (so the output stays in
step with the pairs), and is reported on stderr as stdin:LINE: error: …; the rest is still
compared, and the exit code is 1.

Invalid versions are treated the way the scheme's tool treats them. deb: what dpkg refuses
(a:1, 1.0-, 2:) is an error; what dpkg only warns about (1_0, a1.0) is a warning and is
compared anyway. rpm: rpm compares any non-empty string; strings rpmbuild would never
produce get a warning.

Examples:
  plumb version compare --scheme deb 1:2.3-1 2.4-1              prints >
  plumb version compare --scheme deb -- 1.0~rc1 1.0               prints <  (-- before versions starting with -)
  printf '1.0 1.0-0\\n1.0~rc1 1.0\\n' | plumb version compare --scheme deb
  plumb version compare --scheme rpm < pairs.txt > order.txt
  plumb version compare --scheme rpm --json 1.0^post1 1.0.1 | jq .order`,
    )
    .action(async (a: string | undefined, b: string | undefined, opts: { scheme: string; json?: boolean }) => {
      const scheme = getScheme(opts.scheme);
      if (a !== undefined && b === undefined) throw new UsageError('give two versions, or none to read "A B" pairs from stdin', `plumb version compare --scheme ${scheme.id} ${a} <other-version>`);
      process.exitCode = a !== undefined && b !== undefined ? compareArguments(scheme, a, b, Boolean(opts.json)) : await compareStdin(scheme, Boolean(opts.json));
    });
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
