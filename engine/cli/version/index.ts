import type { Command } from 'commander';
import { SCHEMES } from '../../versioning/index.js';
import { lazy } from '../lazy.js';

export function registerVersion(program: Command): void {
  const version = program.command('version');
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
    .action(lazy(() => import('./action.js'), 'compareAction'));
}
