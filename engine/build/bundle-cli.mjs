// Bundles plumb's own compiled modules (dist/engine/**, from tsc) for the CLI into dist/engine/cli/bundle/: one
// entry (cli/start.js) and chunks split at every dynamic import(), so each command still loads only its own code
// (cli/lazy.ts), in ~10 files instead of 40–180 — Node 20's ES module loader costs about a millisecond per file,
// most of a command's start (npm run bench:cli). cli/main.js, the `plumb` binary, runs the bundle when it exists.
//
// The compiled modules stay where tsc put them: tests import them, plumb serve starts its worker from them, and
// a build without this step still works. npm packages stay imports (dist/node_modules has them as one file
// each: bundle-deps.mjs). Modules that find files beside themselves (schemas, gather scripts, templates) do it
// through import.meta.url; in a chunk that would be the chunk's own URL, so each module's import.meta.url is
// rewritten to the URL of its compiled file, computed from the chunk's.
import { readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';

const OUT = resolve('dist/engine/cli/bundle');
const ENGINE = resolve('dist/engine');

const importMetaUrl = {
  name: 'import-meta-url-of-the-compiled-file',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!args.path.startsWith(`${ENGINE}/`) || !source.includes('import.meta.url')) return { contents: source, loader: 'js' };
      const url = `new URL(${JSON.stringify(relative(OUT, args.path))}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'js' };
    });
  },
};

rmSync(OUT, { recursive: true, force: true });
await build({
  entryPoints: { start: `${ENGINE}/cli/start.js` },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: '[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [importMetaUrl],
});
