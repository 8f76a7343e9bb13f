import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every start of plumb imports program.ts; `plumb X` (or `plumb X --help`) also imports cli/X/index.ts. Both must
 * stay light: the model loader, ajv, yaml, isomorphic-git, ssh2 … are imported by a command's action module
 * (lazy.ts) when that command runs. This walks the static imports the compiler keeps (type-only ones are erased;
 * dynamic import() is not followed) and checks where they lead. `npm run bench:cli` measures the time.
 */

const ENGINE = fileURLToPath(new URL('..', import.meta.url));

/** Engine modules a command's registration may import besides cli/lazy, and why. */
const LIGHT = new Set([
  'errors/', // PlumbError classes: option parsers throw UsageError
  'ledger/types.ts', // LEDGER_REF in `plumb history --help` (types only besides the constant)
  'advisories/types.ts', // SEVERITIES in `plumb advisories list --help`
  'advisories/json-text.ts', // DEFAULT_JSON_LIMITS: the --max-bytes default
  'advisories/http.ts', // HTTP_CACHE_FILE in the help (node:fs and the state dir only)
  'model/state-dir.ts', // …which http.ts imports
  'versioning/', // SCHEMES in `plumb version compare --help`: two small pure plug-ins
]);

/** Specifiers of the imports the emitted JavaScript keeps: `import type` and `import { type A }`-only lines are erased. */
export function runtimeImports(source: string): string[] {
  const out: string[] = [];
  // Top-level statements start a line; a clause is `x`, `x, { … }`, `{ … }` or `* as x` (so help text saying "import … from" is no import).
  const re = /^(?:import|export)\s+(type\s+)?([\w$]+(?:\s*,\s*\{[^}'"`]*\})?|\{[^}'"`]*\}|\*\s+as\s+[\w$]+)\s+from\s+'([^']+)'|^import\s+'([^']+)'/gm;
  for (const m of source.matchAll(re)) {
    if (m[4]) {
      out.push(m[4]);
      continue;
    }
    if (m[1]) continue;
    const clause = m[2]!;
    const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
    if (braces && braces[1]!.split(',').every((s) => !s.trim() || /^type\s/.test(s.trim()))) continue;
    out.push(m[3]!);
  }
  return out;
}

function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const ts = join(dirname(file), spec).replace(/\.js$/, '.ts');
        if (!existsSync(ts)) throw new Error(`${relative(ENGINE, file)} imports ${spec}, which has no .ts source`);
        todo.push(ts);
      } else if (!spec.startsWith('node:')) packages.add(spec);
    }
  }
  return { files: new Set([...files].map((f) => relative(ENGINE, f))), packages };
}

describe('CLI start-up', () => {
  it('imports commander, the command list and the output helpers, and no command', () => {
    const { files, packages } = closure(join(ENGINE, 'cli/program.ts'));
    expect([...packages]).toEqual(['commander']);
    expect([...files].sort()).toEqual(['cli/commands.ts', 'cli/output.ts', 'cli/program.ts', 'errors/base.ts']);
  });

  const indexes = readdirSync(join(ENGINE, 'cli'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ENGINE, 'cli', d.name, 'index.ts')))
    .map((d) => d.name);

  it.each(indexes)('cli/%s/index.ts imports no npm package but commander, and only light engine modules', (name) => {
    const { files, packages } = closure(join(ENGINE, 'cli', name, 'index.ts'));
    expect([...packages].filter((p) => p !== 'commander')).toEqual([]);
    // Another command's registration (shared options) is checked by its own case.
    const heavy = [...files].filter((f) => !/^cli\/[a-z-]+\/index\.ts$/.test(f) && f !== 'cli/lazy.ts' && ![...LIGHT].some((l) => (l.endsWith('/') ? f.startsWith(l) : f === l)));
    expect(heavy).toEqual([]);
  });

  it('lists every command folder in cli/commands.ts', () => {
    const listed = readFileSync(join(ENGINE, 'cli/commands.ts'), 'utf8');
    for (const name of indexes) expect(listed).toContain(`import('./${name}/index.js')`);
  });

  it('sees through type-only imports, and not through mixed ones', () => {
    const src = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { type D, e } from './d.js';",
      "import f from 'f';",
      "export { g } from './g.js';",
      "import './side-effect.js';",
      "import {\n  h,\n  type I,\n} from './multi-line.js';",
      "import * as ns from 'node:fs';",
      '  `import advisories from files into the store`,',
      "  .description('import advisories from files, directories')",
    ].join('\n');
    expect(runtimeImports(src)).toEqual(['./d.js', 'f', './g.js', './side-effect.js', './multi-line.js', 'node:fs']);
  });
});
